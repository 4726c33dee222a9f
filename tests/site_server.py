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
"""
from __future__ import annotations

import mimetypes
import socket
import struct
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
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
               "replace")


@dataclass
class Fault:
    """One injected fault for one original URL; `times` None means every request."""

    kind: str
    times: int | None = None
    delay: float = 5.0
    retry_after: int = 1
    replace_with: str = ""
    served: int = 0

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
        self._lock = threading.Lock()
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

    def reset_counts(self) -> None:
        """Forget the request counts and arrival times."""
        with self._lock:
            self.counts.clear()
            self.times.clear()

    def set_fault(self, url: str, kind: str, *, times: int | None = None, delay: float = 5.0,
                  retry_after: int = 1, replace_with: str = "") -> None:
        """Inject a fault for one original URL (see the module docstring for the kinds)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; one of {FAULT_KINDS}")
        if kind == "replace" and not (self.root / replace_with).is_file():
            raise ValueError(f"replace_with must be a file under {self.root}: {replace_with!r}")
        with self._lock:
            self._faults[url] = Fault(kind, times, delay, retry_after, replace_with)

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        with self._lock:
            self._faults.clear()

    def file_for(self, original_url: str) -> Path | None:
        """The fixture file serving an original URL, or None when there is none (404)."""
        return site_file(original_url, self.root)

    def _take_fault(self, url: str) -> Fault | None:
        with self._lock:
            self.counts[url] += 1
            self.times[url].append(time.monotonic())
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
                path = server.file_for(url)
                if kind == "replace":
                    path = server.root / fault.replace_with
                if path is None:
                    self._send(404, b"<html><body>404 Not Found</body></html>")
                    return
                body = path.read_bytes()
                ctype = mimetypes.guess_type(path.name)[0] or "text/html"
                if ctype.startswith("text/"):
                    ctype += "; charset=utf-8"
                if kind == "truncated":
                    self._send(200, body[: len(body) // 2], content_type=ctype)
                elif kind == "empty":
                    self._send(200, b"", content_type=ctype)
                elif kind == "short":
                    self._send(200, body, content_type=ctype, length=len(body) + 1000)
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
                    self._send(200, body, content_type=ctype)

        return Handler


if __name__ == "__main__":  # manual use: python tests/site_server.py
    with SiteServer() as srv:
        print(f"serving {srv.root} at {srv.base_url} (Ctrl-C to stop)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
