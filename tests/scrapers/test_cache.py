"""scrapers.cache: readable paths, manifest, failure log, atomic writes, decoding."""
from __future__ import annotations

import csv
import hashlib
import os

import pytest

from scrapers.cache import CacheCorrupt, RawCache, atomic_write_bytes, decode_html, url_to_relpath
from scrapers.http import FetchResult


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
        "content_type": "text/html; charset=utf-8",
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
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "manifest.csv").write_text("url,status\nhttps://x.test/,abc\n")
    with pytest.raises(ValueError, match="manifest.csv: malformed row"):
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
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_bytes(target, b"new\n")
    assert target.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


@pytest.mark.parametrize("body, content_type, text", [
    ("caf\u00e9 \u201cq\u201d".encode("utf-8"), "text/html; charset=utf-8", "caf\u00e9 \u201cq\u201d"),
    ("caf\u00e9".encode("cp1252"), "text/html; charset=windows-1252", "caf\u00e9"),
    (b'<meta charset="iso-8859-1"><p>caf\xe9</p>', "text/html", '<meta charset="iso-8859-1"><p>caf\u00e9</p>'),
])
def test_decode_html_uses_declared_charsets(body, content_type, text):
    assert decode_html(body, content_type) == text
