"""Real small file systems for the disk-failure tests: a tmpfs of a given size (ENOSPC when full;
remount read-only for EROFS). Mounting needs root: the test is skipped with that reason otherwise."""
from __future__ import annotations

import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest


@contextmanager
def tmpfs(mountpoint: Path, size: str) -> Iterator[Path]:
    """Mount a tmpfs of `size` (e.g. '64k', '4m') on mountpoint (created if missing) for the block."""
    mountpoint.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mountpoint)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", str(mountpoint)], check=False, capture_output=True)
