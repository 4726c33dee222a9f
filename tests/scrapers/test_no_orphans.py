"""A `parse` killed in its pool phase (SIGTERM or SIGKILL) leaves no worker process alive, and its
output reaches end-of-file (`parse | tee log` ends). The world cache is SYNTHETIC
(scripts/make_world_cache.py), big enough for the locate and parse pools to start."""
from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEADLINE = 120.0  # seconds: generous, the 2-core machine is shared; every wait below polls a condition


def _world_module():
    spec = importlib.util.spec_from_file_location("make_world_cache_orphans", ROOT / "scripts" / "make_world_cache.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("orphans") / "data"
    _world_module().make_world(data_dir, 30, (2005, 2012, 2021))
    return data_dir


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    return fields[0], int(fields[1])


def _alive(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat is not None and stat[1] == pid and stat[0] not in ("Z", "X"):
                found.add(int(entry))
    return found


def _wait_for(condition, what: str, deadline: float = DEADLINE):
    ends = time.monotonic() + deadline
    while time.monotonic() < ends:
        value = condition()
        if value:
            return value
        time.sleep(0.01)  # a polling step, not a wait for something to happen
    raise AssertionError(f"timed out after {deadline:g} s waiting for {what}")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_killed_parse_leaves_no_worker_and_its_output_ends(world, tmp_path, signum):
    data_dir = tmp_path / "data"
    shutil.copytree(world, data_dir)  # a fresh parse store: every page is parsed, in a pool
    proc = subprocess.Popen([sys.executable, "-m", "scrapers", "parse", "--data-dir", str(data_dir),
                             "--countries", "all"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output: list[bytes] = []
    reader = threading.Thread(target=lambda: output.append(proc.stdout.read()), daemon=True)
    reader.start()
    try:
        workers = _wait_for(lambda: _children(proc.pid) or proc.poll() is not None, "the pool's workers")
        assert proc.poll() is None, f"parse ended before its pool started: {output}"
        os.kill(proc.pid, signum)
        reader.join(DEADLINE)
        assert not reader.is_alive(), "the killed parse's output never reached end-of-file"
        code = proc.wait(DEADLINE)
        assert code in ((143, -signal.SIGTERM) if signum == signal.SIGTERM else (-signal.SIGKILL,)), code
        _wait_for(lambda: not any(_alive(pid) for pid in workers), f"workers {sorted(workers)} to end")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
