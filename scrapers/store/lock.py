"""One run per data directory: refresh and parse hold DATA_DIR/.scrapers.store.lock while they run.

The lock is an OS file lock (filelock), so it is released when the process ends, however it ends:
a killed run never leaves a stale lock behind.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from filelock import FileLock, Timeout

from scrapers.errors import ScraperError

LOCK_FILE = ".scrapers.store.lock"
HOLDER_FILE = ".scrapers.store.lock.holder"


class RunLocked(ScraperError):
    """Another refresh or parse holds the data directory's lock."""


def _holder(data_dir: Path) -> str:
    try:
        text = (data_dir / HOLDER_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return ""
    return f" ({text})" if text else ""


@contextmanager
def run_lock(data_dir: Path | str, *, wait: bool = False, command: str = "run") -> Iterator[None]:
    """Hold the data directory's lock for the block; RunLocked at once if another run holds it
    (or, with wait=True, block until it is free)."""
    data_dir = Path(data_dir)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ScraperError(f"cannot use {data_dir} as the data directory: {exc.strerror or exc}") from exc
    lock = FileLock(str(data_dir / LOCK_FILE))
    try:
        lock.acquire(timeout=-1 if wait else 0)
    except Timeout:
        raise RunLocked(f"another refresh or parse is running on {data_dir}{_holder(data_dir)}; wait for "
                        "it to finish, or run again with --wait") from None
    except OSError as exc:
        raise ScraperError(f"cannot lock {data_dir / LOCK_FILE}: {exc.strerror or exc}") from exc
    try:
        started = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        try:
            (data_dir / HOLDER_FILE).write_text(f"{command}, pid {os.getpid()}, since {started}\n",
                                                encoding="utf-8")
        except OSError:
            pass  # the note is a courtesy; the lock itself is held
        yield
    finally:
        try:
            (data_dir / HOLDER_FILE).unlink(missing_ok=True)
        except OSError:
            pass
        lock.release()
