"""The parse store's narrative records, many to a file: the pages parsed together (one task of a
parse pool) are written as one file with one fsync (KEY/batches/NAME.jsonl, one JSON record a
line), where one file per narrative cost 4,750 fsyncs at world scale. The store's index
(KEY/index.json) says where each record is: (file, byte offset, length).

A record here is only what the file holds at that place: ParseStore.get checks that it is bound to
its country-year and page sha256 (record_check) before serving it; a file gone, cut short or edited
gives no record, and the page is parsed again. A file's name is a digest of its bytes, so writing
the same batch again replaces it with the same bytes.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from pathlib import Path

from scrapers.models import Narrative, Section, TierReading
from scrapers.store.atomic import atomic_write_bytes

BATCHES = "batches"
INDEX = "index.json"
_NAME = re.compile(r"[0-9a-f]{24}\.jsonl")

Place = tuple[str, int, int]  # (batch file name, byte offset, length) of one record


# -- JSON of a Narrative --------------------------------------------------------------------------
def narrative_to_dict(narrative: Narrative) -> dict:
    return dataclasses.asdict(narrative)


def dataclass_from_dict(cls, data: dict):
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        if cls is Narrative and f.name == "tier":
            value = dataclass_from_dict(TierReading, value)
        elif cls is Narrative and f.name == "sections":
            value = tuple(dataclass_from_dict(Section, s) for s in value)
        elif isinstance(value, list):
            value = tuple(value)
        kwargs[f.name] = value
    return cls(**kwargs)


def narrative_from_dict(data: dict) -> Narrative:
    return dataclass_from_dict(Narrative, data)


def record_check(kind: str, country: str, year: int, sha256: str, record: dict) -> str:
    """The digest that binds a stored record (narrative, summary entry, location) to its country-year
    and the sha256 of the page it came from: any edit of the record, or the record moved to another
    country-year or page, no longer matches."""
    body = json.dumps({k: v for k, v in record.items() if k != "check"}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{kind}|{country}|{year}|{sha256}|{body}".encode("utf-8")).hexdigest()


class NoRecord(ValueError):
    """The index names a place that holds no record (edited or damaged file, or a bad index entry)."""


def write_batch(folder: Path, records: dict[str, dict]) -> dict[str, Place]:
    """Write `records` (index key -> JSON body) as one file in `folder`; where each one is.
    Raises OSError (or DiskError) when the file cannot be written."""
    lines: list[bytes] = []
    places: dict[str, tuple[int, int]] = {}
    offset = 0
    for key, body in records.items():
        line = json.dumps(body, ensure_ascii=False).encode("utf-8")
        places[key] = (offset, len(line))
        lines.append(line)
        offset += len(line) + 1
    if not lines:
        return {}
    data = b"\n".join(lines) + b"\n"
    name = f"{hashlib.sha256(data).hexdigest()[:24]}.jsonl"
    atomic_write_bytes(folder / name, data)
    return {key: (name, start, length) for key, (start, length) in places.items()}


def valid_place(place: object) -> Place | None:
    """An index entry as a Place, or None when it is not one (an edited index)."""
    if (isinstance(place, list) and len(place) == 3 and isinstance(place[0], str) and _NAME.fullmatch(place[0])
            and all(type(v) is int and v >= 0 for v in place[1:])):
        return place[0], place[1], place[2]
    return None


def read_record(folder: Path, place: Place) -> dict:
    """The JSON record at `place`. OSError when its file is gone or unreadable; NoRecord when the
    bytes there are not one JSON object (the file was cut short or edited)."""
    name, offset, length = place
    with open(folder / name, "rb") as fh:
        fh.seek(offset)
        data = fh.read(length + 1)
    if len(data) != length + 1 or data[-1:] != b"\n":
        raise NoRecord(f"{name}: no record of {length} bytes at byte {offset}")
    try:
        record = json.loads(data[:-1].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise NoRecord(f"{name}: the record at byte {offset} is not JSON ({exc})") from None
    if not isinstance(record, dict):
        raise NoRecord(f"{name}: the record at byte {offset} is not an object")
    return record
