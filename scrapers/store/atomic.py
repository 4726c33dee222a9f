"""Atomic files: every write goes to a temporary file in the same directory, then os.replace, so an
interrupted run leaves the previous version or the new one, never half; files get the user's umask."""
from __future__ import annotations

import os
import re
import tempfile
import threading
import time
from pathlib import Path

from scrapers.errors import DiskError

# the temporary files atomic_write_bytes creates: .NAME.XXXXXXXX.tmp (tempfile.mkstemp's 8 characters)
TEMPORARY = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")
_PROCESS_START = time.time()
_umask_lock = threading.Lock()
_umask_value: int | None = None


def current_umask() -> int:
    """The process umask, read without a window where it is changed (Linux: /proc/self/status)."""
    global _umask_value
    with _umask_lock:
        if _umask_value is None:
            try:
                with open("/proc/self/status", encoding="ascii") as fh:
                    for line in fh:
                        if line.startswith("Umask:"):
                            _umask_value = int(line.split()[1], 8)
                            break
            except (OSError, ValueError, IndexError):
                pass
            if _umask_value is None:  # elsewhere: set and restore it once, under the lock
                _umask_value = os.umask(0o022)
                os.umask(_umask_value)
        return _umask_value


def atomic_write_bytes(path: Path, data: bytes) -> bool:
    """Write data to path via a temp file in the same directory + os.replace; False if unchanged.

    The file gets mode 0o666 & ~umask. Any OSError (disk full, read-only, permission) raises
    DiskError naming the path; the previous file is then untouched and no temp file is left."""
    path = Path(path)
    try:
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass  # unreadable: try to replace it anyway
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), 0o666 & ~current_umask())
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise DiskError(path, exc) from exc
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return True


def cleanup_temporaries(root: Path | str, *, older_than: float | None = None) -> list[Path]:
    """Remove the temp files atomic_write_bytes left under root (a killed run): files named
    .NAME.XXXXXXXX.tmp last modified before older_than (default: this process's start). Returns
    the paths removed; files that cannot be removed are left alone."""
    root = Path(root)
    limit = _PROCESS_START if older_than is None else older_than
    removed: list[Path] = []
    if not root.is_dir():
        return removed
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            if not TEMPORARY.match(name):
                continue
            candidate = Path(dirpath) / name
            try:
                if not candidate.is_file() or candidate.is_symlink() or candidate.stat().st_mtime >= limit:
                    continue
                candidate.unlink()
            except OSError:
                continue
            removed.append(candidate)
    return sorted(removed)
