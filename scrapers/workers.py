"""Forked worker processes that never outlive the run that started them.

run_in_pool(task, items, shared, workers) maps `task` over `items` in forked processes that see
`shared` as shared() (a parse store, the corpus frames: inherited by the fork, never pickled).
However the parent ends, its workers end too:
- each worker asks the kernel for SIGKILL when its parent dies (Linux PR_SET_PDEATHSIG, via prctl);
- each worker also watches a pipe whose only writer is the parent: when the parent is gone (SIGKILL
  included) or gives up, the pipe reads end-of-file and the worker exits at once (any POSIX system);
- during the pool phase, SIGTERM in the parent (what `timeout`, `kill` and supervisors send) raises
  SystemExit(143) in the main thread, which shuts the pool down and closes the pipe (while the
  workers are being forked, SIGTERM keeps its default and ends the parent at once).
So a killed `parse | tee log` reaches end-of-file: no worker is left holding its stdout.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_PR_SET_PDEATHSIG = 1  # linux/prctl.h
TERMINATED = 128 + signal.SIGTERM  # the exit status of a run ended by SIGTERM

_SHARED: object = None  # what the workers of the running pool share (set before they fork)


def shared() -> object:
    """The `shared` object of the run_in_pool call this process serves (None outside one)."""
    return _SHARED


def _die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux only; elsewhere a no-op)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # no prctl: the parent pipe below still ends the worker


def _watch_parent(read_fd: int) -> None:
    """Block on the parent's pipe; end-of-file (the parent died or gave up) ends this worker now."""
    while True:
        try:
            if not os.read(read_fd, 1):
                break
        except InterruptedError:
            continue
        except OSError:
            break
    os._exit(TERMINATED)


def _worker_start(parent: int, read_fd: int, write_fd: int) -> None:
    """Pool initializer: default SIGTERM, death with the parent, and the pipe watch."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.close(write_fd)  # only the parent may hold the writing end
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(TERMINATED)
    threading.Thread(target=_watch_parent, args=(read_fd,), name="parent-watch", daemon=True).start()


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(TERMINATED)


def _started() -> bool:
    return True


def run_in_pool(task: Callable[[T], R], items: Sequence[T], shared_object: object, workers: int,
                chunksize: int = 1) -> list[R]:
    """[task(item) for item in items], in `workers` forked processes that see `shared_object` as
    shared(); no worker survives the call, nor the parent however it ends (see the module doc)."""
    global _SHARED
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    read_fd, write_fd = os.pipe()
    handle_term = threading.current_thread() is threading.main_thread()
    previous = None
    _SHARED = shared_object
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_start,
                               initargs=(os.getpid(), read_fd, write_fd))
    try:
        # A forking pool starts all its workers at the first task. SIGTERM is handled only once they
        # are started: raised inside os.fork's at-fork hooks, the handler's SystemExit would be
        # swallowed ("Exception ignored") and the run would go on. Until then SIGTERM kills at once
        # (the default), and the workers die with their parent.
        pool.submit(_started).result()
        if handle_term:
            previous = signal.signal(signal.SIGTERM, _terminate)
        return list(pool.map(task, items, chunksize=chunksize))
    except BaseException:
        os.close(write_fd)  # the workers read end-of-file and exit now, mid-task
        write_fd = -1
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)
        _SHARED = None
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        for fd in (read_fd, write_fd):
            if fd >= 0:
                os.close(fd)
