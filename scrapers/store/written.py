"""The parse store's own JSON files (summary, locations, index, stamps) read back, and whether each
is byte for byte what the store last wrote: raw/parsed/written.json keeps the sha256 of the bytes
of every file as the store wrote it. A file found unchanged holds only records the store made, so
their one-by-one checks (scrapers.store.batches.record_check, a JSON encoding and a sha256 per
record) can be skipped; a file edited, copied from elsewhere or written by an older version does
not match, and every record in it is checked as before; once every record of such a file has
passed its check in a run (and the file was not written meanwhile), its digest is recorded too, so
the next run trusts it. written.json is written after the files it names: a run killed between the
two leaves a digest that no longer matches, never a wrong one.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from scrapers.store.atomic import atomic_write_bytes

WRITTEN = "written.json"


def _object(data: bytes | None) -> dict:
    """The JSON object in `data`, or {} when it is missing, unreadable or not an object (the store
    only saves time: a damaged file means parsing again)."""
    try:
        found = json.loads(data.decode("utf-8")) if data is not None else {}
    except (UnicodeDecodeError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def json_dict(path: Path) -> dict:
    """The JSON object in `path`, or {} (see _object)."""
    try:
        return _object(path.read_bytes())
    except OSError:
        return {}


class WrittenFiles:
    """The digests of the store's files as it last wrote them (under `root`, raw/parsed/)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._digests: dict[str, str] | None = None
        self._changed = False
        self._unproven: dict[str, tuple[str, set[str]]] = {}  # file -> (digest read, keys not yet checked)

    def _load(self) -> dict[str, str]:
        if self._digests is None:
            self._digests = {k: v for k, v in json_dict(self.root / WRITTEN).items() if isinstance(v, str)}
        return self._digests

    def _name(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def read(self, path: Path) -> tuple[dict, bool]:
        """(the JSON object in `path` or {}, True when its bytes are those the store last wrote)."""
        try:
            data = path.read_bytes()
        except OSError:
            return {}, False
        found = _object(data)
        digest = hashlib.sha256(data).hexdigest()
        if bool(found) and self._load().get(self._name(path)) == digest:
            return found, True
        if found:
            self._unproven[self._name(path)] = (digest, set(found))
        return found, False

    def passed(self, path: Path, key: str) -> None:
        """Record that `key` of the untrusted file `path` (as read) passed its check."""
        unproven = self._unproven.get(self._name(path))
        if unproven is not None:
            unproven[1].discard(key)

    def write(self, path: Path, data: bytes) -> None:
        """Write `data` to `path` (atomically) and remember its digest; OSError when it cannot be written."""
        self._load().pop(self._name(path), None)
        self._unproven.pop(self._name(path), None)
        self._changed = True
        atomic_write_bytes(path, data)
        self._digests[self._name(path)] = hashlib.sha256(data).hexdigest()

    def save(self) -> None:
        """Write written.json when a file was written since the last save, or every record of a file
        read untrusted has passed its check (after the files it names)."""
        for name, (digest, left) in list(self._unproven.items()):
            if not left:
                self._load()[name] = digest
                self._changed = True
                del self._unproven[name]
        if not self._changed:
            return
        self._changed = False
        try:
            atomic_write_bytes(self.root / WRITTEN, json.dumps(self._load(), sort_keys=True, indent=0).encode("utf-8"))
        except OSError:
            pass  # the store only saves time: the files are checked record by record next time
