"""Checking the raw cache's pages for the parse store (scrapers.store.parse_store.ParseStore is a
PageChecks): each cached page is checked against its manifest sha256 once per store, and not at all
when raw/parsed/stamps.json shows its file unchanged since it was last verified (same size, mtime
and inode: git's rule; a file written again within the same clock tick keeps its mtime, so a stamp
is only taken of a file older than STAMP_MIN_AGE_NS). Pages the parse pool is about to parse are
not hashed here at all (intact_or_defer): the pool hashes every page it reads, and parsed_intact
stamps them once it has. Landing pages are kept decoded, since every country of a year walks them.
"""
from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterable

from scrapers.parse.decode import decode_html_counted
from scrapers.store.cache import FIX_COMMAND, RawCache
from scrapers.store.paths import GZ
from scrapers.store.written import json_dict

STAMPS = "stamps.json"  # raw/parsed/stamps.json: pages whose sha256 was verified, by file stat
# A page's stat is trusted only when the file was older than this when it was hashed (a file written
# again within the same clock tick keeps its mtime: git's "racy" rule).
STAMP_MIN_AGE_NS = 2_000_000_000


class PageChecks:
    """intact() of the cache's pages, memoised and stamped; `root` is raw/parsed/. The subclass
    provides _changed(name) (write the stamps now, or at the end of its batch) and batch()."""

    def __init__(self, cache: RawCache, root: Path, *, verify: bool = False) -> None:
        self.cache = cache
        self.root = root
        self.verify = verify  # hash every page, trusting no stamp (parse --verify)
        self._batch = 0  # > 0 inside the subclass's batch()
        self._checked: dict[tuple, str] = {}  # (url, path, file stat, sha256) -> problem ('' intact)
        self._stamps: dict[str, list] | None = None
        self._texts: dict[tuple[str, str], str] = {}  # (url, sha256) -> decoded page, for walks
        self._raw = str(cache.root)
        self._batch_checked: dict[str, str] = {}  # url -> intact() answer, while a batch runs
        self._resolved: set[tuple[str, str, str]] = set()  # (url, path, sha256) whose file is inside raw/
        self._deferred: dict[str, tuple] = {}  # url -> _known's (key, stat, entry) of a page the parse hashes
        self._fresh_stats: dict[str, os.stat_result] = {}  # path -> its stat just taken by entry(), for _stat_key

    def _changed(self, name: str) -> None:
        raise NotImplementedError

    def entry(self, url: str):
        """cache.entry(url), its path checked once per manifest row (not resolved again each call)."""
        row = self.cache._lookup(url)  # the manifest row as is; entry() adds the file checks
        if row is None:
            return None
        key = (url, row.path, row.sha256)
        if key not in self._resolved:  # only a found file is remembered: a missing one may be stored later
            if not self._plain_file_inside(row.path) and self.cache.entry(url) is None:
                return None
            self._resolved.add(key)
        else:
            self._fresh_stats.pop(row.path, None)  # a stat is fresh only right after it was taken
        return row

    def _plain_file_inside(self, rel: str) -> bool:
        """True when raw/REL is a regular file (no symlink) that resolves inside raw/: cache.entry's
        check, with each directory resolved once (False: ask cache.entry). Its stat serves the
        stamp check that follows (_stat_key) once."""
        found = self.cache.real_paths.regular_file(rel)
        if found is not None:
            self._fresh_stats[rel] = found
        return found is not None

    def _load_stamps(self) -> dict[str, list]:
        if self._stamps is None:
            self._stamps = json_dict(self.root / STAMPS)
        return self._stamps

    def _stat_key(self, url: str):
        """(manifest row, memo key, stat as stamped) of a cached URL; row None when not cached."""
        entry = self.entry(url)
        if entry is None:
            return None, None, None
        try:
            stat = self._fresh_stats.pop(entry.path, None) or os.stat(os.path.join(self._raw, entry.path))
            seen = [stat.st_size, stat.st_mtime_ns, stat.st_ino, entry.sha256]
        except OSError:
            seen = None
        return entry, (url, entry.path, *(seen or [entry.sha256])), seen  # a file written again: new key

    def _known(self, url: str) -> tuple[str | None, tuple | None, list | None, object]:
        """The memoised or stamped answer of intact(url) (None when the page must be hashed)."""
        entry, key, seen = self._stat_key(url)
        if entry is None:
            return intact(self.cache, url), None, None, None
        known = self._checked.get(key)
        if known is None and not self.verify and seen is not None and (seen[0] == entry.bytes or entry.path.endswith(GZ)) \
                and self._load_stamps().get(entry.path) == seen:
            known = self._checked[key] = ""
        return known, key, seen, entry

    def intact(self, url: str) -> str:
        """intact(cache, url), each page checked once per store (and trusted by its stamp); inside a
        batch (which fetches nothing), a page's answer is kept without a new stat."""
        if self._batch and url in self._batch_checked:
            return self._batch_checked[url]
        known, key, seen, entry = self._known(url)
        if known is None:
            known = self._hash_check(url, key, seen, entry)
        if self._batch:
            self._batch_checked[url] = known
        return known

    def intact_or_defer(self, url: str) -> str:
        """intact(url), except that a page it would have to hash is not hashed here: '' is returned
        and the page waits for parsed_intact(url), once the parse pool, which hashes every page it
        parses, has read it (the main process does not hash it a second time)."""
        if self._batch and url in self._batch_checked:
            return self._batch_checked[url]
        known, key, seen, entry = self._known(url)
        if known is None:
            self._deferred[url] = (key, seen, entry)
            return ""
        if self._batch:
            self._batch_checked[url] = known
        return known

    def parsed_intact(self, url: str, intact_now: bool) -> str:
        """Settle a page intact_or_defer left unhashed: the parse found its sha256 right
        (`intact_now`: it is stamped like a hashed page, '' returned) or not (hashed here, to say
        what is wrong: missing, truncated, changed...)."""
        deferred = self._deferred.pop(url, None)
        if not intact_now:
            problem = intact(self.cache, url)  # hashed here: what is wrong
            if self._batch:
                self._batch_checked[url] = problem
            return problem
        if deferred is None:
            return self.intact(url)
        key, seen, entry = deferred
        self._settle(key, seen, entry, "")
        if self._batch:
            self._batch_checked[url] = ""
        return ""

    def _settle(self, key: tuple, seen: list | None, entry, problem: str) -> None:
        """Remember a page's answer; an intact page old enough is stamped (raw/parsed/stamps.json)."""
        if not problem and seen is not None and seen[1] < time.time_ns() - STAMP_MIN_AGE_NS:
            self._load_stamps()[entry.path] = seen
            self._changed("stamps")
        self._checked[key] = problem

    def _hash_check(self, url: str, key: tuple, seen: list | None, entry) -> str:
        problem = intact(self.cache, url)
        self._settle(key, seen, entry, problem)
        return problem

    def check_all(self, urls: Iterable[str]) -> None:
        """intact() of many pages: stamped ones by their stat, the others hashed by two threads
        (hashlib releases the GIL)."""
        self._load_stamps()
        todo = []
        for url in dict.fromkeys(urls):
            known, key, seen, entry = self._known(url)
            if known is None:
                todo.append((url, key, seen, entry))
            elif self._batch:
                self._batch_checked[url] = known
        if len(todo) < 8:
            for args in todo:
                self._hash_check(*args)
            return
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda args: self._hash_check(*args), todo))

    def page_text(self, url: str) -> str:
        """A cached page decoded (CacheCorrupt when damaged); landing pages are remembered decoded,
        since every country of a year walks the same ones."""
        entry = self.entry(url)
        key = (url, entry.sha256 if entry else "")
        text = self._texts.get(key)
        if text is None:
            text = decode_html_counted(self.cache.read_bytes(url), entry.content_type if entry else "")[0]
            if len(self._texts) >= 64:  # a year's landing and index pages, for every year
                self._texts.clear()
            self._texts[key] = text
        return text


def intact(cache: RawCache, url: str) -> str:
    """'' when url's cached file exists and matches its manifest sha256, else what is wrong."""
    if not cache.listed(url):
        return f"{url} is not cached"
    problem = cache.problem(url)
    if problem is None:
        return ""
    return str(problem).replace(f"; fetch it again with `{FIX_COMMAND}`", "")  # callers name the fix


