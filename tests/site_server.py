"""A real local HTTP server for the fixture site, with request counting and per-URL fault injection.

It serves tests/fixtures/site/ the way `--mirror http://127.0.0.1:PORT/` asks for it: request path
`/https://HOST/PATH` (or `/http://...`) -> file `site/HOST/PATH`, a path ending in '/' -> its
index.html. Missing files answer 404. Faults are set per original URL, for all requests or the
first `times` requests only:

    timeout    wait `delay` seconds before answering (longer than the client's read timeout)
    reset      send the headers and half the body, then reset the connection (TCP RST)
    403 404 429 500 503   answer that status (429/503 carry `Retry-After: retry_after`)
    truncated  a 200 whose body is the first half of the page (no closing </html>)
    empty      a 200 with an empty body
    short      a 200 whose Content-Length announces more bytes than are sent
    replace    serve another file of the site (`replace_with`, relative to the site root)
    drip       a 200 with the right Content-Length whose body comes one byte every `delay` seconds
    drip_headers  the status line and headers come one byte every `delay` seconds (then the page)
    endless    a 200 without Content-Length whose body never ends (HTML paragraphs, until the
               client hangs up); `endless_chunked` the same with Transfer-Encoding: chunked
    gzip_bomb  a 200, Content-Encoding: gzip, `size` bytes inflated (default 1 GiB) from about
               size/1024 bytes on the wire (1 MiB gzip members of spaces, concatenated)
    redirect   a 302 to `location` (absolute, or relative to the request)
    bad_utf8   the page with invalid UTF-8 bytes (0xFF 0xFE 0x80) inside its first paragraph
    moved      a 200 with a short "This page has moved." page under an <h1> of the country
    deep_nesting  the page with its <body> content inside `size` nested <div><span> (default 1500)

Pages it serves carry an ETag (quoted sha256 prefix of the body) and a Last-Modified (file mtime, or
the time set_content was called); a request with a matching If-None-Match, or an If-Modified-Since
not older than Last-Modified (when no If-None-Match is sent), gets 304 Not Modified. set_content()
changes a page's content at runtime (to test a changed page).
"""
from __future__ import annotations

import gzip
import hashlib
import mimetypes
import socket
import struct
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

SITE_ROOT = Path(__file__).resolve().parent / "fixtures" / "site"


def site_file(original_url: str, root: Path = SITE_ROOT) -> Path | None:
    """The fixture file for an original URL (https://HOST/PATH -> root/HOST/PATH, '/' -> index.html),
    or None when there is none."""
    root = Path(root).resolve()
    parts = urlsplit(original_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    path = unquote(parts.path)
    if not path or path.endswith("/"):
        path += "index.html"
    candidate = (root / parts.hostname / path.lstrip("/")).resolve()
    if not candidate.is_relative_to(root):
        return None
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None

FAULT_KINDS = ("timeout", "reset", "403", "404", "429", "500", "503", "truncated", "empty", "short",
               "replace", "drip", "drip_headers", "endless", "endless_chunked", "gzip_bomb", "redirect", "bad_utf8",
               "moved", "deep_nesting")
BAD_UTF8 = b"\xff\xfe\x80"
MOVED_PAGE = (b"<!DOCTYPE html><html><head><title>China</title></head><body><h1>China</h1>"
              b"<p>This page has moved.</p></body></html>")


@lru_cache(maxsize=1)
def _gzip_member() -> bytes:
    """One gzip member inflating to 1 MiB of spaces (about 1 KB)."""
    return gzip.compress(b" " * (1 << 20), 9)


def etag_for(body: bytes) -> str:
    """The ETag the server sends for a body: a quoted sha256 prefix."""
    return '"' + hashlib.sha256(body).hexdigest()[:16] + '"'


@dataclass
class Fault:
    """One injected fault for one original URL; `times` None means every request."""

    kind: str
    times: int | None = None
    delay: float = 5.0
    retry_after: int = 1
    replace_with: str = ""
    served: int = 0
    location: str = ""
    size: int = 0

    def active(self) -> bool:
        return self.times is None or self.served < self.times


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class SiteServer:
    """Serves a fixture site on 127.0.0.1 (free port); use as a context manager or start()/stop()."""

    def __init__(self, root: Path | str = SITE_ROOT) -> None:
        self.root = Path(root).resolve()
        self.counts: Counter[str] = Counter()  # original URL -> requests received
        self.times: defaultdict[str, list[float]] = defaultdict(list)  # original URL -> arrival times
        self._faults: dict[str, Fault] = {}
        self._content: dict[str, tuple[bytes, float]] = {}  # original URL -> (body, mtime) override
        self.not_modified: Counter[str] = Counter()  # original URL -> 304 answers sent
        self._lock = threading.Lock()
        self._counted = threading.Condition(self._lock)  # notified at every request counted
        self._stopping = threading.Event()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> "SiteServer":
        """Bind to 127.0.0.1 on a free port and serve in a background thread."""
        self._httpd = _Server(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="site-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port (pending delayed answers are cut short)."""
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> "SiteServer":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        """The mirror prefix to pass as --mirror: http://127.0.0.1:PORT/"""
        return f"http://127.0.0.1:{self.port}/"

    # -- counting and faults -------------------------------------------------------------------
    @property
    def total(self) -> int:
        """Requests received since the last reset_counts()."""
        with self._lock:
            return sum(self.counts.values())

    def wait_for_count(self, url: str, count: int, timeout: float = 60.0) -> int:
        """The request count of `url` once it reaches `count` (or as it is after `timeout` seconds): a
        client that gave up early (a read timeout) can be quicker than the handler thread that counts
        its request, on a loaded machine."""
        with self._counted:
            self._counted.wait_for(lambda: self.counts[url] >= count, timeout)
            return self.counts[url]

    def reset_counts(self) -> None:
        """Forget the request counts and arrival times."""
        with self._lock:
            self.counts.clear()
            self.times.clear()

    def set_fault(self, url: str, kind: str, *, times: int | None = None, delay: float = 5.0,
                  retry_after: int = 1, replace_with: str = "", location: str = "",
                  size: int = 0) -> None:
        """Inject a fault for one original URL (see the module docstring for the kinds)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; one of {FAULT_KINDS}")
        if kind == "replace" and not (self.root / replace_with).is_file():
            raise ValueError(f"replace_with must be a file under {self.root}: {replace_with!r}")
        if kind == "redirect" and not location:
            raise ValueError("a redirect fault needs location=")
        with self._lock:
            self._faults[url] = Fault(kind, times, delay, retry_after, replace_with, location=location,
                                      size=size)

    def set_content(self, url: str, body: bytes | None) -> None:
        """Serve body for an original URL from now on (Last-Modified: now); None restores the file."""
        with self._lock:
            if body is None:
                self._content.pop(url, None)
            else:
                self._content[url] = (bytes(body), time.time())

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        with self._lock:
            self._faults.clear()

    def file_for(self, original_url: str) -> Path | None:
        """The fixture file serving an original URL, or None when there is none (404)."""
        return site_file(original_url, self.root)

    def page_for(self, original_url: str) -> tuple[bytes, float] | None:
        """(body, mtime) served for an original URL: the set_content override, else the file."""
        with self._lock:
            override = self._content.get(original_url)
        if override is not None:
            return override
        path = self.file_for(original_url)
        if path is None:
            return None
        return path.read_bytes(), path.stat().st_mtime

    def _take_fault(self, url: str) -> Fault | None:
        with self._lock:
            self.counts[url] += 1
            self.times[url].append(time.monotonic())
            self._counted.notify_all()
            fault = self._faults.get(url)
            if fault is None or not fault.active():
                return None
            fault.served += 1
            return fault

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"
            server_version = "TipFixtureSite/1.0"

            def log_message(self, format: str, *args: object) -> None:  # silence the default log
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server naming)
                url = self.path[1:] if self.path.startswith("/") else self.path
                fault = server._take_fault(url)
                try:
                    self._answer(url, fault)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (e.g. after its read timeout)

            def _send(self, status: int, body: bytes, *, content_type: str = "text/html; charset=utf-8",
                      length: int | None = None, extra: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body) if length is None else length))
                for key, value in (extra or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()

            def _answer(self, url: str, fault: Fault | None) -> None:
                kind = fault.kind if fault else ""
                if kind == "timeout":
                    if server._stopping.wait(fault.delay):
                        return
                if kind in ("403", "404", "500", "503", "429"):
                    extra = {"Retry-After": str(fault.retry_after)} if kind in ("429", "503") else None
                    self._send(int(kind), f"<html><body>fault {kind}</body></html>".encode(), extra=extra)
                    return
                if kind == "drip_headers":
                    head = (b"HTTP/1.0 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                            b"X-Padding: " + b"p" * 200 + b"\r\n\r\n")
                    for i in range(len(head)):
                        self.wfile.write(head[i:i + 1])
                        self.wfile.flush()
                        if server._stopping.wait(fault.delay):
                            return
                    page = server.page_for(url)
                    self.wfile.write(page[0] if page else b"")
                    return
                if kind == "redirect":
                    self._send(302, b"<html><body>moved</body></html>", extra={"Location": fault.location})
                    return
                if kind == "moved":
                    self._send(200, MOVED_PAGE)
                    return
                if kind in ("endless", "endless_chunked"):
                    self._endless(chunked=kind == "endless_chunked")
                    return
                if kind == "gzip_bomb":
                    self._gzip_bomb(fault.size or (1 << 30))
                    return
                if kind == "replace":
                    path = server.root / fault.replace_with
                    page = (path.read_bytes(), path.stat().st_mtime)
                    name = path.name
                else:
                    page = server.page_for(url)
                    name = urlsplit(url).path.rsplit("/", 1)[-1] or "index.html"
                if page is None:
                    self._send(404, b"<html><body>404 Not Found</body></html>")
                    return
                body, mtime = page
                ctype = mimetypes.guess_type(name if "." in name else "index.html")[0] or "text/html"
                if ctype.startswith("text/"):
                    ctype += "; charset=utf-8"
                if kind == "bad_utf8":
                    body = body.replace(b"<p>", b"<p>" + BAD_UTF8 + b" ", 1)
                elif kind == "deep_nesting":
                    depth = fault.size or 1500
                    head, sep, rest = body.partition(b"<body>")
                    inner, sep2, tail = rest.rpartition(b"</body>")
                    body = (head + sep + b"<div><span>" * depth + inner + b"</span></div>" * depth
                            + sep2 + tail)
                validators = {"ETag": etag_for(body), "Last-Modified": formatdate(mtime, usegmt=True)}
                if not kind and self._not_modified(validators["ETag"], mtime):
                    with server._lock:
                        server.not_modified[url] += 1
                    self.send_response(304)
                    for key, value in validators.items():
                        self.send_header(key, value)
                    self.end_headers()
                    return
                if kind == "truncated":
                    self._send(200, body[: len(body) // 2], content_type=ctype)
                elif kind == "empty":
                    self._send(200, b"", content_type=ctype)
                elif kind == "short":
                    self._send(200, body, content_type=ctype, length=len(body) + 1000)
                elif kind == "drip":
                    self.send_response(200)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    for i in range(len(body)):
                        self.wfile.write(body[i:i + 1])
                        self.wfile.flush()
                        if server._stopping.wait(fault.delay):
                            return
                elif kind == "reset":
                    self.send_response(200)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    # SO_LINGER with a zero timeout makes close() send a TCP RST
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.connection.close()
                else:
                    self._send(200, body, content_type=ctype, extra=validators)

            def _not_modified(self, etag: str, mtime: float) -> bool:
                """Does the request's If-None-Match / If-Modified-Since say the client's copy is current?"""
                if_none_match = self.headers.get("If-None-Match")
                if if_none_match is not None:
                    tags = [t.strip() for t in if_none_match.split(",")]
                    return "*" in tags or etag in tags or f"W/{etag}" in tags
                since = self.headers.get("If-Modified-Since")
                if since:
                    try:
                        return parsedate_to_datetime(since).timestamp() >= int(mtime)
                    except (TypeError, ValueError):
                        return False
                return False

            def _endless(self, *, chunked: bool) -> None:
                """An HTML body that never ends (until the client hangs up or the server stops)."""
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                if chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                block = b"<p>" + b"endless " * 8000 + b"</p>\n"
                first = b"<!DOCTYPE html><html><body>"
                while not server._stopping.is_set():
                    data, first = first + block, b""
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
                    self.wfile.flush()

            def _gzip_bomb(self, size: int) -> None:
                """Content-Encoding gzip: size bytes of spaces inflated, from 1 MiB members (~1 KB each)."""
                member = _gzip_member()
                count = max(1, size >> 20)
                head = gzip.compress(b"<!DOCTYPE html><html><body><p>")
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(head) + count * len(member)))
                self.end_headers()
                self.wfile.write(head)
                for _ in range(count):
                    if server._stopping.is_set():
                        return
                    self.wfile.write(member)
                self.wfile.flush()

        return Handler


if __name__ == "__main__":  # manual use: python tests/site_server.py
    with SiteServer() as srv:
        print(f"serving {srv.root} at {srv.base_url} (Ctrl-C to stop)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
