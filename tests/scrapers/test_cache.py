"""scrapers.store.cache: readable paths, manifest, failure log, atomic writes, decoding."""
from __future__ import annotations

import csv
import errno
import hashlib
import os
import stat
import subprocess
import time

import pytest
from mounts import tmpfs

from scrapers.store.cache import CacheCorrupt, RawCache
from scrapers.store.paths import url_to_relpath
from scrapers.parse.decode import decode_html, decode_html_counted
from scrapers.store.atomic import atomic_write_bytes, cleanup_temporaries, current_umask
from scrapers.errors import CacheFileError, DiskError
from scrapers.web.http import FetchResult


def result(url: str, body: bytes = b"<html><body>x</body></html>", fetched_url: str = "",
           content_type: str = "text/html; charset=utf-8") -> FetchResult:
    return FetchResult(url=url, fetched_url=fetched_url or url, status=200, body=body,
                       content_type=content_type, fetched_at="2026-01-02T03:04:05Z")


@pytest.mark.parametrize("url, path", [
    ("https://www.state.gov/reports/2021-trafficking-in-persons-report/china/",
     "pages/www.state.gov/reports/2021-trafficking-in-persons-report/china/index.html"),
    ("https://2009-2017.state.gov/j/tip/rls/tiprpt/countries/2013/215441.htm",
     "pages/2009-2017.state.gov/j/tip/rls/tiprpt/countries/2013/215441.htm"),
    ("https://2001-2009.state.gov/g/tip/rls/tiprpt/2005/index.htm",
     "pages/2001-2009.state.gov/g/tip/rls/tiprpt/2005/index.htm"),
    ("https://WWW.State.gov", "pages/www.state.gov/index.html"),
    ("https://www.state.gov/reports/x", "pages/www.state.gov/reports/x/index.html"),
    ("http://localhost:8000/a/b.htm", "pages/localhost_8000/a/b.htm"),
])
def test_url_to_relpath_is_readable(url, path):
    assert str(url_to_relpath(url)) == path


def test_url_to_relpath_cannot_escape_the_cache():
    rel = url_to_relpath("https://evil.test/a/../../../etc/passwd")
    assert ".." not in rel.parts
    assert rel.parts[:2] == ("pages", "evil.test")


def test_url_with_query_gets_its_own_file():
    a = url_to_relpath("https://www.refworld.org/cgi-bin/rwmain?docid=1")
    b = url_to_relpath("https://www.refworld.org/cgi-bin/rwmain?docid=2")
    assert a != b and a.parent == b.parent


def test_non_http_url_is_rejected():
    with pytest.raises(ValueError, match="not an http"):
        url_to_relpath("ftp://example.test/x")


def test_store_writes_page_and_manifest(tmp_path):
    cache = RawCache(tmp_path)
    url = "https://www.example.test/reports/sample/"
    body = "<html><body>caf\u00e9</body></html>".encode("utf-8")
    entry = cache.store(result(url, body, fetched_url="http://127.0.0.1:1/" + url))
    page = tmp_path / "raw" / entry.path
    assert page.read_bytes() == body
    with open(tmp_path / "raw" / "manifest.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows == [{
        "url": url, "fetched_url": "http://127.0.0.1:1/" + url, "status": "200",
        "fetched_at": "2026-01-02T03:04:05Z", "sha256": hashlib.sha256(body).hexdigest(),
        "bytes": str(len(body)), "path": "pages/www.example.test/reports/sample/index.html",
        "content_type": "text/html; charset=utf-8", "etag": "", "last_modified": "",
    }]
    reopened = RawCache(tmp_path)
    assert reopened.has(url)
    assert reopened.read_text(url) == "<html><body>caf\u00e9</body></html>"


def test_missing_file_means_not_cached(tmp_path):
    cache = RawCache(tmp_path)
    url = "https://www.example.test/p.htm"
    entry = cache.store(result(url))
    os.unlink(tmp_path / "raw" / entry.path)
    assert not RawCache(tmp_path).has(url)


def test_changed_file_is_reported_corrupt(tmp_path):
    cache = RawCache(tmp_path)
    url = "https://www.example.test/p.htm"
    entry = cache.store(result(url))
    (tmp_path / "raw" / entry.path).write_bytes(b"<html>edited</html>")
    with pytest.raises(CacheCorrupt, match="sha256"):
        RawCache(tmp_path).read_bytes(url)


def test_validators_are_stored_and_old_manifests_still_load(tmp_path):
    url = "https://www.example.test/p.htm"
    stored = FetchResult(url=url, fetched_url=url, status=200, body=b"<html>x</html>", content_type="",
                         fetched_at="2026-01-02T03:04:05Z", etag='"abc"',
                         last_modified="Sun, 29 Nov 2026 10:55:15 GMT")
    RawCache(tmp_path).store(stored)
    entry = RawCache(tmp_path).entry(url)
    assert (entry.etag, entry.last_modified) == ('"abc"', "Sun, 29 Nov 2026 10:55:15 GMT")
    manifest = tmp_path / "raw" / "manifest.csv"
    rows = list(csv.reader(manifest.read_text(encoding="utf-8").splitlines()))
    old = "".join(",".join(row[:8]) + "\n" for row in rows)  # the columns before etag/last_modified
    manifest.write_text(old, encoding="utf-8")
    reopened = RawCache(tmp_path)
    assert reopened.warnings == []
    assert reopened.entry(url).etag == "" and reopened.read_bytes(url) == b"<html>x</html>"


def test_failures_are_logged_and_cleared_by_success(tmp_path):
    cache = RawCache(tmp_path)
    url = "https://www.example.test/p.htm"
    first = cache.record_failure(url, url, "fetch_failed", "read timed out")
    assert cache.record_failure(url, url, "fetch_failed", "read timed out") == first  # repeat: unchanged
    assert RawCache(tmp_path).failures()[url].reason == "read timed out"
    cache.store(result(url))
    assert url not in RawCache(tmp_path).failures()


def test_year_records_round_trip(tmp_path):
    cache = RawCache(tmp_path)
    cache.record_year("china", 2013, "fetch_failed", "HTTP 503", "https://x.test/2013")
    cache.record_year("china", 2005, "no_page", "404", "https://x.test/2005")
    records = RawCache(tmp_path).year_records("china")
    assert sorted(records) == [2005, 2013]
    assert records[2013].detail == "HTTP 503"
    assert RawCache(tmp_path).year_records("other") == {}


def test_malformed_manifest_is_a_clear_error(tmp_path):
    RawCache(tmp_path).store(result("https://x.test/p.htm"))
    manifest = tmp_path / "raw" / "manifest.csv"
    manifest.write_text(manifest.read_text().replace(",200,", ",abc,"))
    with pytest.raises(CacheFileError, match=r"manifest.csv: line 2: malformed row .*delete the file"):
        RawCache(tmp_path)


def test_atomic_write_replaces_and_leaves_no_temp_files(tmp_path):
    target = tmp_path / "t.csv"
    assert atomic_write_bytes(target, b"one\n") is True
    assert atomic_write_bytes(target, b"one\n") is False  # unchanged: not rewritten
    assert atomic_write_bytes(target, b"two\n") is True
    assert target.read_bytes() == b"two\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_atomic_write_failure_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "t.csv"
    atomic_write_bytes(target, b"old\n")

    def broken_replace(src, dst):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(DiskError, match=r"cannot write .*t.csv: Input/output error \[EIO\]"):
        atomic_write_bytes(target, b"new\n")
    assert target.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


@pytest.fixture
def small_tmpfs(tmp_path):
    """A 64 KiB tmpfs mounted on tmp_path/fs (needs root; skipped otherwise)."""
    with tmpfs(tmp_path / "fs", "64k") as mountpoint:
        yield mountpoint


def test_disk_full_is_a_disk_error_and_keeps_the_old_file(small_tmpfs):
    target = small_tmpfs / "raw" / "manifest.csv"
    atomic_write_bytes(target, b"old\n")
    with pytest.raises(DiskError) as info:
        atomic_write_bytes(target, b"x" * 200_000)  # more than the 64 KiB file system holds
    assert str(target) in str(info.value) and "No space left on device [ENOSPC]" in str(info.value)
    assert info.value.errno == errno.ENOSPC
    assert target.read_bytes() == b"old\n"
    assert [p.name for p in target.parent.iterdir()] == ["manifest.csv"], "no temporary file left"


def test_read_only_file_system_is_a_disk_error(small_tmpfs):
    target = small_tmpfs / "tiers.csv"
    atomic_write_bytes(target, b"old\n")
    subprocess.run(["mount", "-o", "remount,ro", str(small_tmpfs)], check=True)
    with pytest.raises(DiskError, match=r"Read-only file system \[EROFS\]; the previous file is unchanged"):
        atomic_write_bytes(target, b"new\n")
    assert target.read_bytes() == b"old\n"


def test_written_files_follow_the_umask_not_mkstemp(tmp_path):
    previous = os.umask(0o022)
    os.umask(previous)
    assert current_umask() == previous
    target = tmp_path / "t.csv"
    atomic_write_bytes(target, b"x\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~previous
    cache = RawCache(tmp_path)
    entry = cache.store(result("https://www.example.test/p.htm"))
    for path in (tmp_path / "raw" / entry.path, tmp_path / "raw" / "manifest.csv"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~previous, path


def test_cleanup_temporaries_removes_only_our_leftovers(tmp_path):
    raw = tmp_path / "raw" / "pages" / "h"
    raw.mkdir(parents=True)
    leftovers = [tmp_path / ".tiers.csv.a1b2c3d4.tmp", raw / ".index.html.zz_9y8x7.tmp"]
    keep = [tmp_path / "tiers.csv", tmp_path / "notes.tmp", tmp_path / ".hidden.tmp",
            raw / ".index.html.TOOLONG123.tmp"]
    for path in leftovers + keep:
        path.write_bytes(b"x")
    fresh = tmp_path / ".kwic.csv.q1w2e3r4.tmp"  # a temp file of a write in progress (newer)
    fresh.write_bytes(b"x")
    old = time.time() - 3600
    for path in leftovers + keep:
        os.utime(path, (old, old))
    removed = cleanup_temporaries(tmp_path, older_than=time.time() - 60)
    assert removed == sorted(leftovers)
    assert all(p.exists() for p in keep + [fresh])
    assert cleanup_temporaries(tmp_path / "missing") == []


@pytest.mark.parametrize("body, content_type, text", [
    ("caf\u00e9 \u201cq\u201d".encode("utf-8"), "text/html; charset=utf-8", "caf\u00e9 \u201cq\u201d"),
    ("caf\u00e9".encode("cp1252"), "text/html; charset=windows-1252", "caf\u00e9"),
    (b'<meta charset="iso-8859-1"><p>caf\xe9</p>', "text/html", '<meta charset="iso-8859-1"><p>caf\u00e9</p>'),
])
def test_decode_html_uses_declared_charsets(body, content_type, text):
    assert decode_html(body, content_type) == text


PEOPLES = "People\u2019s Republic of China".encode("utf-8")


@pytest.mark.parametrize("content_type, head", [
    ("text/html; charset=utf-8", b"<html><head></head>"),  # declared by the server
    ("text/html", b'<html><head><meta charset="utf-8"></head>'),  # declared by the page
    ("", b"<html><head></head>"),  # not declared: looks UTF-8
])
def test_bad_utf8_bytes_are_replaced_not_the_whole_page_re_decoded(content_type, head):
    body = (head + b"<body><p>The " + PEOPLES + b" is Tier 3.</p><p>bad \xff\xfe\x80 bytes</p>"
            + "<p>\u201cquoted\u201d</p></body></html>".encode("utf-8"))
    text, replaced = decode_html_counted(body, content_type)
    assert "People\u2019s Republic of China" in text
    assert "Peopl\u00e2\u20ac\u2122s" not in text
    assert "bad \ufffd\ufffd\ufffd bytes" in text
    assert replaced == 3
    assert decode_html(body, content_type) == text


def test_clean_pages_replace_nothing():
    assert decode_html_counted(b"<p>" + PEOPLES + b"</p>", "text/html; charset=utf-8") == (
        "<p>People\u2019s Republic of China</p>", 0)
    # a legacy page that declares nothing stays a legacy page (no valid UTF-8 sequence in it)
    text, replaced = decode_html_counted("<p>caf\u00e9 \u2013 cr\u00e8me</p>".encode("cp1252"), "")
    assert "caf\u00e9" in text and "\ufffd" not in text and replaced == 0


def test_compressed_pages_are_stored_read_checked_and_rebuilt(tmp_path):
    """RawCache(compress=True) stores PATH.gz; sha256 and bytes are of the page itself; a lost
    manifest is rebuilt from .gz files too; a plain copy of the same URL is replaced."""
    import gzip

    from scrapers.store.cache import RawCache
    from scrapers.web.http import FetchResult

    url = "https://www.state.gov/reports/2021-trafficking-in-persons-report/north-korea/"
    body = b"<html><body><p>" + b"A synthetic page. " * 200 + b"</p></body></html>"
    RawCache(tmp_path).store(FetchResult(url, url, 200, b"<html>old</html>", "text/html", "2026-01-01T00:00:00Z"))
    cache = RawCache(tmp_path, compress=True)
    entry = cache.store(FetchResult(url, url, 200, body, "text/html", "2026-01-02T00:00:00Z"))
    assert entry.path.endswith("index.html.gz") and entry.bytes == len(body)
    assert not (tmp_path / "raw" / entry.path.removesuffix(".gz")).exists(), "the plain copy is gone"
    stored = (tmp_path / "raw" / entry.path).read_bytes()
    assert len(stored) < len(body) / 5 and gzip.decompress(stored) == body
    assert RawCache(tmp_path).read_bytes(url) == body  # read back by a cache that stores plain pages
    (tmp_path / "raw" / "manifest.csv").unlink()
    rebuilt = RawCache(tmp_path)
    assert rebuilt.rebuilt and rebuilt.read_bytes(url) == body
    rebuilt.write_manifest()
    (tmp_path / "raw" / entry.path).write_bytes(stored[:30])
    problem = RawCache(tmp_path, compress=True).problem(url)
    assert problem is not None and "raw/" in str(problem)
