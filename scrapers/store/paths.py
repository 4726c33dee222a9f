"""Where the raw cache keeps a URL's page: readable paths raw/pages/HOST/PATH (a URL ending in '/' as
.../index.html), back to the URL, and a page's bytes from its (maybe gzip-compressed) file."""
from __future__ import annotations

import gzip
import hashlib
import os
import re
import stat
import zlib
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urlsplit

PAGES = "pages"

_MAX_SEGMENT = 150
GZ = ".gz"  # a page stored compressed: raw/pages/HOST/PATH.gz (sha256 and bytes are of the page itself)


def stays_inside(rel: str) -> bool:
    """True when a manifest path names a file under raw/ by its text: relative, and no '..' leads
    out (raw/ itself is not a file). A symlink leading out is found when the page is read
    (RawCache resolves the path then)."""
    if not rel or rel.startswith("/") or os.path.isabs(rel):
        return False
    parts: list[str] = []
    for part in rel.split("/"):
        if part == "..":
            if not parts:
                return False
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return bool(parts)


class RealPaths:
    """Files under one root checked to be there and inside it, each directory resolved once (by its
    parent's answer and one lstat of its own) instead of one lstat per component of every path:
    what checking thousands of cached pages costs. Directories are answered as the file system was
    when each was first asked about (one turned into a symlink later in the same run is not seen:
    reading a page resolves its path again, RawCache._resolve)."""

    def __init__(self, root: Path | str) -> None:
        self.root = os.path.realpath(root)
        self._folders: dict[str, str] = {}

    def folder(self, folder: str) -> str:
        """os.path.realpath(folder) for an absolute, normalised folder."""
        real = self._folders.get(folder)
        if real is None:
            parent, name = os.path.split(folder)
            try:
                linked = stat.S_ISLNK(os.lstat(folder).st_mode)
            except OSError:
                linked = True  # realpath says what it is
            if linked or not name or parent == folder or folder == self.root:
                real = os.path.realpath(folder)
            else:
                real = os.path.join(self.folder(parent), name)
            self._folders[folder] = real
        return real

    def regular_file(self, rel: str) -> os.stat_result | None:
        """os.lstat of root/REL when it is a regular file (not a symlink) in a folder that resolves
        inside the root, else None (a path with '..', '.', an empty part or a leading '/' too: the
        caller resolves those the slow way)."""
        parts = rel.split("/")
        if rel.startswith("/") or any(part in ("", ".", "..") for part in parts):
            return None
        folder = self.folder(os.path.join(self.root, *parts[:-1])) if len(parts) > 1 else self.root
        if folder != self.root and not folder.startswith(self.root + os.sep):
            return None
        try:
            found = os.lstat(os.path.join(folder, parts[-1]))
        except OSError:
            return None
        return found if stat.S_ISREG(found.st_mode) else None


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
