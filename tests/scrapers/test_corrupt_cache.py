"""A damaged raw cache (issue 8): pages truncated, replaced, deleted or listed outside raw/; the
manifest deleted, replaced, cut short or absurd; the logs garbled. Never read as an empty cache,
never a traceback: CacheCorrupt / CacheFileError name the file and the fix, a lost manifest is
rebuilt from the pages on disk, and `parse` keeps what the tables held."""
from __future__ import annotations

import csv
import io
import os
import time

import pandas as pd
import pytest
from table_paths import tables_dir

from scrapers.store.cache import CacheCorrupt, RawCache
from scrapers.store.paths import relpath_to_url, url_to_relpath
from scrapers.store.atomic import cleanup_temporaries
from scrapers.errors import CacheFileError
from scrapers.web.http import FetchResult

YEAR = 2021
FIX = "python -m scrapers refresh --force --years YEAR"


def result(url: str, body: bytes) -> FetchResult:
    return FetchResult(url=url, fetched_url=url, status=200, body=body, content_type="text/html; charset=utf-8",
                       fetched_at="2026-01-02T03:04:05Z", etag='"e1"', last_modified="")


URLS = {
    "https://www.state.gov/reports/2021-trafficking-in-persons-report/china/": b"<html>2021 page</html>",
    "https://2009-2017.state.gov/j/tip/rls/tiprpt/countries/2013/215441.htm": b"<html>2013 page</html>",
    "http://localhost:8000/a/b.htm": b"<html>local</html>",
}


@pytest.fixture
def cache_dir(tmp_path):
    cache = RawCache(tmp_path)
    for url, body in URLS.items():
        cache.store(result(url, body))
    return tmp_path


def page_file(data_dir, url):
    return data_dir / "raw" / url_to_relpath(url)


# -- damaged pages ---------------------------------------------------------------------------------
@pytest.mark.parametrize("damage, problem, words", [
    (lambda f: f.write_bytes(f.read_bytes()[:5]), "truncated", "is truncated (5 of 22 bytes"),
    (lambda f: f.write_bytes(b"<html>2021 PAGE</html>"), "changed", "was changed: it does not match its sha256"),
    (lambda f: f.write_bytes(b"<html>a longer replacement page</html>"), "changed", "was changed"),
    (lambda f: f.unlink(), "missing", "is missing (listed in raw/manifest.csv)"),
])
def test_every_kind_of_damaged_page_is_cache_corrupt(cache_dir, damage, problem, words):
    url = next(iter(URLS))
    damage(page_file(cache_dir, url))
    cache = RawCache(cache_dir)
    with pytest.raises(CacheCorrupt) as info:
        cache.read_bytes(url)
    exc = info.value
    assert exc.problem == problem and exc.url == url
    message = str(exc)
    assert message.startswith(url + ": cached file raw/pages/www.state.gov/reports/2021-trafficking-in-persons-report/china/index.html ")
    assert words in message and FIX in message
    assert exc.message_for_year(2021).endswith("python -m scrapers refresh --force --years 2021`")
    with pytest.raises(CacheCorrupt):
        cache.read_text(url)
    assert cache.listed(url)
    assert str(cache.problem(url)) == message
    assert cache.has(url) == (problem != "missing")
    other = "https://2009-2017.state.gov/j/tip/rls/tiprpt/countries/2013/215441.htm"
    assert cache.problem(other) is None and cache.read_bytes(other) == URLS[other]
    assert cache.problem("https://not.cached/") is None and not cache.listed("https://not.cached/")


@pytest.mark.parametrize("path", ["../../../etc/hostname", "/etc/hostname", "pages/../../outside.htm"])
def test_manifest_paths_must_stay_inside_raw(cache_dir, path):
    (cache_dir / "outside.htm").write_bytes(b"<html>secret outside raw</html>")
    manifest = cache_dir / "raw" / "manifest.csv"
    url = next(iter(URLS))
    rows = list(csv.DictReader(io.StringIO(manifest.read_text(encoding="utf-8"))))
    for row in rows:
        if row["url"] == url:
            row["path"] = path
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    manifest.write_text(buffer.getvalue(), encoding="utf-8")
    cache = RawCache(cache_dir)
    assert any("points outside raw/" in w and url in w for w in cache.warnings)
    assert cache.entry(url) is None and not cache.has(url)
    with pytest.raises(CacheCorrupt) as info:
        cache.read_bytes(url)
    assert info.value.problem == "outside"
    assert f"raw/manifest.csv entry has path {path!r}, which points outside raw/ (not read)" in str(info.value)
    assert FIX in str(info.value)


def test_a_symlink_out_of_raw_is_outside_too(cache_dir, tmp_path_factory):
    url = next(iter(URLS))
    target = tmp_path_factory.mktemp("elsewhere") / "page.htm"
    target.write_bytes(URLS[url])
    page = page_file(cache_dir, url)
    page.unlink()
    page.symlink_to(target)
    cache = RawCache(cache_dir)
    assert not cache.has(url)
    with pytest.raises(CacheCorrupt, match="points outside raw/"):
        cache.read_bytes(url)


# -- a lost manifest -------------------------------------------------------------------------------
@pytest.mark.parametrize("replacement, why", [
    (None, "raw/manifest.csv is missing"),
    (b'{"url": "https://www.state.gov/", "sha256": "x"}\n', "is not a table of this tool"),
    (b"\x00\x9f\x92\x96 garbage \xff\n", "is not UTF-8 text"),
    (b"", "is empty"),
    (b"x" * 200_000 + b"\n", "is not a table of this tool"),
], ids=["deleted", "json", "binary", "empty", "huge-line"])
def test_lost_manifest_is_rebuilt_from_the_pages_on_disk(cache_dir, replacement, why):
    manifest = cache_dir / "raw" / "manifest.csv"
    before = {e.url: e for e in RawCache(cache_dir).entries()}
    if replacement is None:
        manifest.unlink()
    else:
        manifest.write_bytes(replacement)
    (page_file(cache_dir, next(iter(URLS))).parent / ".index.html.abcd1234.tmp").write_bytes(b"half")
    cache = RawCache(cache_dir)
    assert len(cache.warnings) == 1 and why in cache.warnings[0]
    assert "rebuilt from the 3 page(s)" in cache.warnings[0]
    for url, body in URLS.items():
        assert cache.has(url), url
        assert cache.read_bytes(url) == body
        entry = cache.entry(url)
        assert entry.sha256 == before[url].sha256 and entry.bytes == len(body)
        assert entry.path == before[url].path and entry.status == 200
        assert entry.fetched_at.endswith("Z")
    assert [e.url for e in cache.entries()] == sorted(URLS)
    if replacement is None:
        assert not manifest.exists(), "opening writes nothing"
    else:
        assert manifest.read_bytes() == replacement, "opening writes nothing"
    # the next store writes the rebuilt manifest, with the URLs the pipeline asked for
    cache.store(result("https://www.state.gov/new/", b"<html>new</html>"))
    reopened = RawCache(cache_dir)
    assert reopened.warnings == []
    assert sorted(e.url for e in reopened.entries()) == sorted([*URLS, "https://www.state.gov/new/"])


def test_a_rebuilt_manifest_can_be_written_as_is(cache_dir):
    manifest = cache_dir / "raw" / "manifest.csv"
    manifest.write_text("[]\n")
    cache = RawCache(cache_dir)
    assert cache.rebuilt and cache.warnings
    assert cache.write_manifest() is True and not cache.rebuilt
    reopened = RawCache(cache_dir)
    assert reopened.warnings == [] and not reopened.rebuilt
    assert sorted(e.url.replace("https://localhost", "http://localhost") for e in reopened.entries()) == sorted(URLS)


def test_a_not_modified_answer_is_never_stored(cache_dir):
    url = next(iter(URLS))
    cache = RawCache(cache_dir)
    answer = FetchResult(url=url, fetched_url=url, status=304, body=b"", content_type="",
                         fetched_at="2026-01-02T03:04:05Z", not_modified=True)
    with pytest.raises(ValueError, match="only a 200 page can be stored"):
        cache.store(answer)
    assert RawCache(cache_dir).read_bytes(url) == URLS[url]


def test_a_guessed_url_is_corrected_when_the_pipeline_asks_for_the_real_one(tmp_path):
    url = "https://www.state.gov/reports/x"  # no trailing slash: stored as .../x/index.html
    RawCache(tmp_path).store(result(url, b"<html>x</html>"))
    (tmp_path / "raw" / "manifest.csv").unlink()
    cache = RawCache(tmp_path)
    assert [e.url for e in cache.entries()] == ["https://www.state.gov/reports/x/"]  # the guess
    assert cache.has(url) and cache.entry(url).url == url
    assert [e.url for e in cache.entries()] == [url]


@pytest.mark.parametrize("url", [*URLS, "https://www.refworld.org/cgi-bin/rwmain?docid=1",
                                 "https://www.state.gov/a%20b/c.htm"])
def test_relpath_to_url_inverts_url_to_relpath(url):
    https = url.replace("http://", "https://")  # the cache path does not keep the scheme
    assert relpath_to_url(url_to_relpath(url)) == https


def test_an_empty_cache_with_no_manifest_has_no_warning(tmp_path):
    cache = RawCache(tmp_path)
    assert cache.entries() == [] and cache.warnings == []


# -- a damaged manifest or log ---------------------------------------------------------------------
@pytest.mark.parametrize("damage, words", [
    (lambda text: text[:-40], "was cut short (its last line has no line end)"),
    (lambda text: text.rsplit("\n", 2)[0] + "\n" + text.rsplit("\n", 2)[1][:30] + "\n", "field(s) where the header has 10"),
    (lambda text: text + 'https://x.test/,"' + "y" * 200_000 + '",200,t,' + "0" * 64 + ",1,p,,,\n",
     "is not valid CSV (field larger than field limit"),
    (lambda text: text.replace(",200,", ",OK,", 1), "line 2: malformed row"),
    (lambda text: text.replace(list(csv.DictReader(io.StringIO(text)))[0]["sha256"], "nothex", 1),
     "sha256 is not 64 hex digits"),
    (lambda text: text[:text.index("\n") + 1] + '"https://x.test/,unterminated\n', "is not valid CSV"),
], ids=["cut-short", "short-row", "huge-field", "bad-status", "bad-sha", "open-quote"])
def test_damaged_manifest_is_one_line_naming_the_file(cache_dir, damage, words):
    manifest = cache_dir / "raw" / "manifest.csv"
    manifest.write_text(damage(manifest.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(CacheFileError) as info:
        RawCache(cache_dir)
    message = str(info.value)
    assert message.startswith(f"{manifest}: ") and words in message, message
    assert "\n" not in message
    assert "delete" in message and "rebuilds it from the pages" in message


@pytest.mark.parametrize("name", ["years.csv", "failures.csv"])
@pytest.mark.parametrize("garbage", [b"\xff\xfe\x00garbage", b'{"json": true}\n',
                                     b"url,country,year,status\n\"" + b"z" * 200_000 + b'",c,1,s\n'],
                         ids=["binary", "json", "huge-field"])
def test_garbled_logs_are_ignored_with_a_warning(cache_dir, name, garbage):
    cache = RawCache(cache_dir)
    cache.record_year("china", 2021, "fetch_failed", "HTTP 503", next(iter(URLS)))
    cache.record_failure(next(iter(URLS)), "", "fetch_failed", "HTTP 503")
    (cache_dir / "raw" / name).write_bytes(garbage)
    reopened = RawCache(cache_dir)
    assert len(reopened.warnings) == 1
    assert str(cache_dir / "raw" / name) in reopened.warnings[0]
    assert "ignored (it is only a log; the next run rewrites it)" in reopened.warnings[0]
    assert len(reopened.entries()) == 3, "the pages are still there"
    if name == "years.csv":
        assert reopened.year_records("china") == {}
        assert len(reopened.failures()) == 1
    else:
        assert reopened.failures() == {}
        assert 2021 in reopened.year_records("china")


def test_a_bad_year_row_is_skipped_with_a_warning(cache_dir):
    cache = RawCache(cache_dir)
    cache.record_year("china", 2021, "fetch_failed", "HTTP 503", "u")
    cache.record_year("china", 2013, "no_page", "404", "u")
    years = cache_dir / "raw" / "years.csv"
    years.write_text(years.read_text().replace("2013", "20x3"))
    reopened = RawCache(cache_dir)
    assert list(reopened.year_records("china")) == [2021]
    assert reopened.warnings == [f"{years}: 1 row(s) with an unreadable year ignored"]


# -- the command line over a damaged cache ---------------------------------------------------------
def read(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture
def good(cli, site_server, data_dir, site_expected, snapshot):
    """A data directory with 2020 and 2021 fetched and parsed; returns the page URL of 2021."""
    run = cli("refresh", "--data-dir", data_dir, "--mirror", site_server.base_url, "--delay", "0",
              "--years", "2020,2021")
    assert run.code == 0, run.output
    return site_expected.EXPECTED[YEAR]["source_url"]


@pytest.mark.parametrize("damage", ["truncate", "replace", "delete"])
def test_parse_over_a_damaged_page_names_the_year_and_keeps_its_rows(cli, data_dir, good, snapshot, damage):
    before = snapshot(data_dir)
    page = page_file(data_dir, good)
    if damage == "truncate":
        page.write_bytes(page.read_bytes()[:1000])
    elif damage == "replace":
        page.write_bytes(page.read_bytes().replace(b"Tier 3", b"Tier 1"))
    else:
        page.unlink()
    run = cli("parse", "--data-dir", data_dir)
    assert run.code == 1, run.output
    line = next(line for line in run.output.splitlines() if str(YEAR) in line and "CORRUPT" in line.upper())
    assert good in line and "refresh --force --years 2021" in line
    assert "Traceback" not in run.output
    after = snapshot(data_dir)
    paragraphs = read(tables_dir(data_dir) / "paragraphs.csv")
    assert str(YEAR) in set(paragraphs.year), "the year's rows are kept from the previous tables"
    assert after["paragraphs.csv"] == before["paragraphs.csv"]


@pytest.mark.parametrize("replacement", [None, b'{"manifest": []}\n', b"garbage\x00\xff"],
                         ids=["deleted", "json", "binary"])
def test_parse_over_a_lost_manifest_rebuilds_it_and_empties_nothing(cli, data_dir, good, snapshot, replacement):
    before = snapshot(data_dir)
    manifest = data_dir / "raw" / "manifest.csv"
    if replacement is None:
        manifest.unlink()
    else:
        manifest.write_bytes(replacement)
    run = cli("parse", "--data-dir", data_dir)
    assert run.code == 0, run.output
    assert "manifest was rebuilt from the" in run.output
    after = snapshot(data_dir)
    for name in ("paragraphs.csv", "tiers.csv", "mentions.csv", "kwic.csv"):
        assert after[name] == before[name], name
    assert sorted(read(tables_dir(data_dir) / "narratives.csv").year) == ["2020", "2021"]


@pytest.mark.parametrize("damage, words", [
    (lambda b: b[:-25], "raw/manifest.csv: "),
    (lambda b: b + b'https://x.test/,"' + b"y" * 200_000 + b'"\n', "field larger than field limit"),
], ids=["cut-short", "huge-field"])
def test_parse_over_a_damaged_manifest_is_one_clear_line(cli, data_dir, good, snapshot, damage, words):
    before = snapshot(data_dir)
    manifest = data_dir / "raw" / "manifest.csv"
    manifest.write_bytes(damage(manifest.read_bytes()))
    for command in ("parse", "status"):
        run = cli(command, "--data-dir", data_dir)
        assert run.code == 1, run.output
        errors = [line for line in run.output.splitlines() if line.startswith("error: ")]
        assert len(errors) == 1 and str(manifest) in errors[0] and words in errors[0], run.output
        assert "Traceback" not in run.output
    assert snapshot(data_dir) == before


def test_parse_over_a_garbled_year_log_warns_and_continues(cli, data_dir, good, snapshot):
    before = snapshot(data_dir)
    (data_dir / "raw" / "years.csv").write_bytes(b"\x00\x01 not a csv \xff")
    run = cli("parse", "--data-dir", data_dir)
    assert run.code == 0, run.output
    assert "years.csv" in run.output and "ignored" in run.output
    assert snapshot(data_dir)["paragraphs.csv"] == before["paragraphs.csv"]


def test_parse_never_reads_a_path_outside_raw(cli, data_dir, good, tmp_path):
    secret = tmp_path / "hostname"
    secret.write_text("secret-host-name\n")
    manifest = data_dir / "raw" / "manifest.csv"
    rel = os.path.relpath(secret, data_dir / "raw")
    text = manifest.read_text(encoding="utf-8")
    entry = next(row for row in csv.DictReader(io.StringIO(text)) if row["url"] == good)
    manifest.write_text(text.replace(entry["path"], rel), encoding="utf-8")
    run = cli("parse", "--data-dir", data_dir)
    assert run.code == 1, run.output
    assert "points outside raw/" in run.output and "secret-host-name" not in run.output
    for table in tables_dir(data_dir).glob("*.csv"):
        assert "secret-host-name" not in table.read_text(encoding="utf-8")


def test_leftover_temporaries_of_a_killed_run_are_cleaned(cli, data_dir, good):
    old = time.time() - 3600
    leftovers = [data_dir / ".tiers.csv.k1ll3d00.tmp", data_dir / "raw" / ".manifest.csv.abcdefgh.tmp"]
    for path in leftovers:
        path.write_bytes(b"half a file")
        os.utime(path, (old, old))
    run = cli("refresh", "--data-dir", data_dir, "--years", "2021")  # cached: no network needed
    assert run.code == 0, run.output
    assert not any(p.exists() for p in leftovers)
    assert cleanup_temporaries(data_dir) == []
