"""Where the raw cache keeps a URL's page: readable paths raw/pages/HOST/PATH (a URL ending in '/' as
.../index.html), back to the URL, and a page's bytes from its (maybe gzip-compressed) file."""
from __future__ import annotations

import gzip
import hashlib
import re
import zlib
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urlsplit

PAGES = "pages"

_MAX_SEGMENT = 150
GZ = ".gz"  # a page stored compressed: raw/pages/HOST/PATH.gz (sha256 and bytes are of the page itself)


def page_body(file: Path | str) -> bytes:
    """The page a cache file holds: the file's bytes, decompressed when it ends in .gz.
    OSError (also for a damaged .gz) when it cannot be read."""
    data = Path(file).read_bytes()
    if str(file).endswith(GZ):
        try:
            return gzip.decompress(data)
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            raise OSError(f"damaged gzip data ({exc})") from exc
    return data


def stored_form(body: bytes, compress: bool) -> bytes:
    return gzip.compress(body, compresslevel=6, mtime=0) if compress else body


def _safe_segment(segment: str) -> str:
    segment = quote(unquote(segment), safe="-_.~!$&'()+,;=@")
    if segment in ("", ".", ".."):
        segment = segment.replace(".", "%2E") or "_"
    if len(segment) > _MAX_SEGMENT:
        digest = hashlib.sha1(segment.encode()).hexdigest()[:12]
        segment = f"{segment[:_MAX_SEGMENT]}~{digest}"
    return segment


def url_to_relpath(url: str) -> PurePosixPath:
    """A readable cache path for an original URL: pages/HOST/PATH, '/'-final URLs as index.html."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    host = parts.hostname.lower() + (f"_{parts.port}" if parts.port else "")
    segments = [_safe_segment(s) for s in parts.path.split("/") if s]
    last = segments[-1] if segments else ""
    if not segments or parts.path.endswith("/") or "." not in last:
        segments.append("index.html")
    if parts.query:
        segments[-1] = _safe_segment(f"{segments[-1]}?{parts.query}")
    return PurePosixPath(PAGES, _safe_segment(host), *segments)


def relpath_to_url(relpath: PurePosixPath | str, scheme: str = "https") -> str:
    """The URL a cache path most likely came from (url_to_relpath's inverse, up to what it drops:
    the scheme, taken as https; whether an index.html stood for a '/'-final URL, assumed so unless
    a query follows). RawCache corrects a guess when the pipeline asks for the real URL."""
    parts = PurePosixPath(relpath).parts
    if parts and parts[0] == PAGES:
        parts = parts[1:]
    if not parts:
        raise ValueError(f"not a cache page path: {relpath!r}")
    host = unquote(parts[0])
    match = re.fullmatch(r"(.+)_(\d+)", host)
    if match:
        host = f"{match.group(1)}:{match.group(2)}"
    segments = [unquote(seg) for seg in parts[1:]]
    query = ""
    if segments and "?" in segments[-1]:
        segments[-1], query = segments[-1].split("?", 1)
    trailing = ""
    if segments and segments[-1] == "index.html":
        segments, trailing = segments[:-1], "" if query else "/"
    path = "/" + "/".join(quote(seg, safe="-_.~!$&'()+,;=@") for seg in segments)
    if trailing and not path.endswith("/"):
        path += "/"
    return f"{scheme}://{host}{path}" + (f"?{query}" if query else "")
