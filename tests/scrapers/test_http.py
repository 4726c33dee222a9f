"""scrapers.web.http against a real local server: headers, mirror, retries, and every failure mapped."""
from __future__ import annotations

import re
import socket

import pytest
import requests
import urllib3
from urllib3.connection import HTTPSConnection

from scrapers.errors import FetchError, PageNotFound
from scrapers.web.config import USER_AGENT, FetchConfig
from scrapers.web.failures import describe_exception
from scrapers.web.http import Fetcher
from scrapers.web.session import make_session

PAGE = "https://www.example.test/reports/sample/"


def fetcher_for(server, **overrides) -> Fetcher:
    options = dict(delay=0, retries=1, backoff_factor=0, connect_timeout=2, read_timeout=2,
                   mirror=server.base_url)
    options.update(overrides)
    return Fetcher(FetchConfig(**options))


def test_user_agent_names_the_project_and_starts_with_mozilla():
    assert USER_AGENT.startswith("Mozilla/5.0 (compatible; tip-china-dashboard/")
    session = make_session(FetchConfig())
    assert session.headers["User-Agent"] == USER_AGENT


def test_user_agent_is_sent(faults_server):
    captured = {}

    class Probe(Fetcher):
        def _check(self, url, target, response, *args, **kwargs):
            captured["ua"] = response.request.headers["User-Agent"]
            return super()._check(url, target, response, *args, **kwargs)

    with Probe(FetchConfig(delay=0, mirror=faults_server.base_url)) as fetcher:
        fetcher.fetch(PAGE)
    assert captured["ua"] == USER_AGENT


def test_mirror_fetches_prefix_plus_original_and_records_both(faults_server):
    with fetcher_for(faults_server) as fetcher:
        result = fetcher.fetch(PAGE)
    assert result.url == PAGE
    assert result.fetched_url == faults_server.base_url + PAGE
    assert result.status == 200
    assert b"</html>" in result.body
    assert result.fetched_at.endswith("Z")
    assert len(result.sha256) == 64
    assert faults_server.counts[PAGE] == 1


def test_404_is_page_not_found_and_not_retried(faults_server):
    url = "https://www.example.test/no/such/page/"
    with fetcher_for(faults_server, retries=3) as fetcher:
        with pytest.raises(PageNotFound) as info:
            fetcher.fetch(url)
    assert info.value.url == url and info.value.status == 404
    assert faults_server.counts[url] == 1


def test_403_explains_user_agent_and_suggests_wayback_mirror(faults_server):
    faults_server.set_fault(PAGE, "403")
    with fetcher_for(faults_server, retries=2) as fetcher:
        with pytest.raises(FetchError) as info:
            fetcher.fetch(PAGE)
    message = str(info.value)
    assert "403" in message and "User-Agent" in message and "Mozilla/5.0" in message
    assert "--mirror https://web.archive.org/web/" in message
    assert faults_server.counts[PAGE] == 1  # 403 is not retried


def test_500_then_200_is_retried(faults_server):
    faults_server.set_fault(PAGE, "500", times=1)
    with fetcher_for(faults_server, retries=2) as fetcher:
        result = fetcher.fetch(PAGE)
    assert result.status == 200
    assert faults_server.counts[PAGE] == 2


def test_5xx_after_retries_is_fetch_error(faults_server):
    faults_server.set_fault(PAGE, "500")
    with fetcher_for(faults_server, retries=2) as fetcher:
        with pytest.raises(FetchError, match=r"HTTP 500 .*after 2 retries"):
            fetcher.fetch(PAGE)
    assert faults_server.counts[PAGE] == 3


def test_429_honours_retry_after(faults_server):
    faults_server.set_fault(PAGE, "429", times=1, retry_after=1)
    with fetcher_for(faults_server, retries=2) as fetcher:
        result = fetcher.fetch(PAGE)
    assert result.status == 200
    first, second = faults_server.times[PAGE]
    assert second - first >= 0.9, "the retry must wait for Retry-After: 1"


def test_read_timeout_is_fetch_error(faults_server):
    faults_server.set_fault(PAGE, "timeout", delay=5)
    with fetcher_for(faults_server, retries=1, read_timeout=0.3) as fetcher:
        with pytest.raises(FetchError, match="read timed out"):
            fetcher.fetch(PAGE)
    assert faults_server.wait_for_count(PAGE, 2) == 2  # one retry on a read error


@pytest.mark.parametrize("kind, reason", [
    ("reset", "connection reset by the server while reading the body"),
    ("short", "incomplete body"),
    ("empty", "empty body"),
    ("truncated", "truncated HTML: no closing </html>"),
])
def test_broken_bodies_are_fetch_errors(faults_server, kind, reason):
    faults_server.set_fault(PAGE, kind)
    with fetcher_for(faults_server) as fetcher:
        with pytest.raises(FetchError) as info:
            fetcher.fetch(PAGE)
    assert reason in str(info.value)
    assert info.value.url == PAGE


def test_connection_refused_is_fetch_error():
    # a port nobody listens on: bind one, then close it
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with Fetcher(FetchConfig(delay=0, retries=0, mirror=f"http://127.0.0.1:{port}/")) as fetcher:
        with pytest.raises(FetchError, match="could not connect"):
            fetcher.fetch(PAGE)


def test_connection_refused_says_the_host_and_the_reason_in_plain_words():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with Fetcher(FetchConfig(delay=0, retries=1, backoff_factor=0, mirror=f"http://127.0.0.1:{port}/")) as fetcher:
        with pytest.raises(FetchError) as info:
            fetcher.fetch(PAGE)
    assert info.value.reason.startswith("could not connect to 127.0.0.1: connection refused (after 1 retry)")
    assert not re.search(r"Connection\(|Pool\(|Errno|object at 0x", str(info.value)), str(info.value)


def test_library_errors_are_described_without_internal_class_names():
    conn = HTTPSConnection("www.state.gov", 443)
    config = FetchConfig(retries=3)
    refused = requests.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/x", urllib3.exceptions.NewConnectionError(
        conn, "Failed to establish a new connection: [Errno 111] Connection refused")))
    assert describe_exception(refused, config) == "could not connect to www.state.gov: connection refused (after 3 retries)"
    slow = requests.ConnectTimeout(urllib3.exceptions.MaxRetryError(None, "/x", urllib3.exceptions.ConnectTimeoutError(
        conn, "Connection to www.state.gov timed out. (connect timeout=10)")))
    assert describe_exception(slow, config) == "could not connect to www.state.gov: timed out after 10 s (after 3 retries)"
    unknown = requests.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/x", urllib3.exceptions.NameResolutionError(
        "www.state.gov", conn, socket.gaierror(-2, "Name or service not known"))))
    assert describe_exception(unknown, config) == ("could not connect to www.state.gov: the name could not be resolved "
                                                   "(name or service not known) (after 3 retries)")


def test_delay_spaces_requests(faults_server):
    slept = []
    with Fetcher(FetchConfig(delay=30, mirror=faults_server.base_url), sleep=slept.append) as fetcher:
        fetcher.fetch(PAGE)
        assert slept == []
        fetcher.fetch(PAGE)
    assert len(slept) == 1 and 29 < slept[0] <= 30


@pytest.mark.parametrize("options, message", [
    (dict(delay=-1), "delay"), (dict(retries=-1), "retries"), (dict(read_timeout=0), "timeouts"),
    (dict(mirror="ftp://x/"), "--mirror"),
])
def test_bad_config_is_rejected(options, message):
    with pytest.raises(ValueError, match=message):
        FetchConfig(**options)


# -- conditional GET (refresh --revalidate) ----------------------------------------------------------
def test_validators_are_returned_with_the_page(faults_server):
    from site_server import etag_for

    with fetcher_for(faults_server) as fetcher:
        result = fetcher.fetch(PAGE)
    assert result.etag == etag_for(result.body)
    assert result.last_modified.endswith(" GMT")
    assert result.not_modified is False


@pytest.mark.parametrize("validator", ["etag", "last_modified"])
def test_unchanged_page_answers_304_not_modified(faults_server, validator):
    with fetcher_for(faults_server) as fetcher:
        first = fetcher.fetch(PAGE)
        again = fetcher.fetch(PAGE, **{validator: getattr(first, validator)})
        assert fetcher.requests_made == 2
    assert again.not_modified is True
    assert again.status == 304 and again.body == b""
    assert again.url == PAGE and again.etag == first.etag
    assert faults_server.not_modified[PAGE] == 1


def test_changed_page_answers_200_with_the_new_body(faults_server):
    with fetcher_for(faults_server) as fetcher:
        first = fetcher.fetch(PAGE)
        changed = first.body.replace(b"</body>", b"<p>A new paragraph.</p></body>")
        faults_server.set_content(PAGE, changed)
        again = fetcher.fetch(PAGE, etag=first.etag, last_modified=first.last_modified)
        assert again.not_modified is False and again.status == 200
        assert again.body == changed and again.etag != first.etag
        faults_server.set_content(PAGE, None)  # back to the file
        assert fetcher.fetch(PAGE, etag=first.etag).not_modified is True
    assert faults_server.not_modified[PAGE] == 1


def test_conditional_headers_are_sent_only_when_given(faults_server):
    sent = []

    class Probe(Fetcher):
        def _check(self, url, target, response, *args, **kwargs):
            sent.append({k: response.request.headers.get(k) for k in ("If-None-Match", "If-Modified-Since")})
            return super()._check(url, target, response, *args, **kwargs)

    with Probe(FetchConfig(delay=0, mirror=faults_server.base_url)) as fetcher:
        fetcher.fetch(PAGE)
        fetcher.fetch(PAGE, etag='"abc"', last_modified="Sun, 29 Nov 2026 10:55:15 GMT")
    assert sent == [{"If-None-Match": None, "If-Modified-Since": None},
                    {"If-None-Match": '"abc"', "If-Modified-Since": "Sun, 29 Nov 2026 10:55:15 GMT"}]


def test_redirect_loop_is_a_fetch_error(faults_server):
    faults_server.set_fault(PAGE, "redirect", location="/" + PAGE)  # to itself, forever
    with fetcher_for(faults_server) as fetcher:
        with pytest.raises(FetchError, match=r"too many redirects \(more than 10\)"):
            fetcher.fetch(PAGE)
    assert faults_server.counts[PAGE] == 11


def test_retry_after_beyond_the_deadline_gives_up_at_once(faults_server):
    faults_server.set_fault(PAGE, "429", retry_after=3600)
    with fetcher_for(faults_server, retries=3, deadline=5) as fetcher:
        with pytest.raises(FetchError, match=r"no complete response within 5 s \(the server asked to wait "
                                             r"3600 s before retrying\)"):
            fetcher.fetch(PAGE)
    assert faults_server.counts[PAGE] == 1, "no retry before the server's Retry-After"
