"""Each page is parsed once in its life: parsed narratives (and where each year's narrative was
found) are cached under DATA_DIR/raw/parsed/, keyed by the page's sha256 and the parser version.

- A narrative entry is keyed by (parser version, country, year, sha256 of the narrative page): a
  new page or a new parser version misses, everything else hits. Failures are cached too, so a page
  that does not parse is not parsed again either.
- A location entry remembers which narrative URL a year's table of contents led to, with the
  sha256 of every page walked; it is valid while those pages are unchanged in the raw cache.

Files are JSON (never pickles: the data directory may come from elsewhere). Narrative records are
written many to a file, one file per batch of pages parsed together (scrapers.store.batches), and
found through KEY/index.json; a record whose file is gone, damaged or edited is parsed again.

At world scale (about 190 countries x 25 years) a run must not redo per country-year what can be done
once: read_years_many locates every country-year together (in a process pool when many locations
are not stored), checks each cached page against its sha256 once (raw/parsed/stamps.json remembers
pages verified earlier by size, mtime and inode, so an unchanged page is not hashed again; any
rewrite of the file changes its stat and it is hashed again), parses each page once for all the
countries it holds, and writes its index files once at the end (ParseStore.batch). The store's
summary (KEY/summary.json: each outcome's tier and source, no text) lets a build tell that nothing
changed without reading every narrative; the records of the summary and of the locations are checked
one by one only when their file is not byte for byte what the store wrote (scrapers.store.written).
"""
from __future__ import annotations

import dataclasses
import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from scrapers.models import Narrative, TierReading
from scrapers.parse.jobs import PageOutcome, parser_key
from scrapers.store.cache import RawCache
from scrapers.store.page_checks import STAMP_MIN_AGE_NS, STAMPS, PageChecks, intact  # noqa: F401 - re-exported
from scrapers.store.batches import (
    BATCHES, INDEX, NoRecord, Place, dataclass_from_dict, narrative_from_dict, narrative_to_dict, read_record, record_check, valid_place,
    write_batch,
)
from scrapers.store.written import WrittenFiles, json_dict
from scrapers.web.discover import DISCOVERY_VERSION

PARSED_DIR = "parsed"
SUMMARY = "summary.json"  # raw/parsed/KEY/summary.json: each stored outcome without its text


# -- the cache on disk ----------------------------------------------------------------------------
class ParseStore(PageChecks):
    """Parsed narratives and year locations of one raw cache (DATA_DIR/raw/parsed/).

    Within one instance, each cached page is checked against its sha256 once (and not at all when
    raw/parsed/stamps.json shows its file unchanged since it was last verified: same size, mtime and
    inode, git's rule); inside batch(), locations, stamps and the summary are written once at the end."""

    def __init__(self, cache: RawCache, *, verify: bool = False) -> None:
        super().__init__(cache, cache.root / PARSED_DIR, verify=verify)
        self._locations: dict[str, dict] | None = None
        self.parsed_now = 0  # pages parsed (not served from the store) by this instance
        self.key = parser_key()
        self._summary: dict[str, dict] | None = None
        self._index: dict[str, list] | None = None  # record key -> [batch file, offset, length]
        self._batch_files: dict[str, bool] = {}  # batch file name -> it exists (get_light's check)
        self._dirty: set[str] = set()  # 'index', 'locations', 'stamps', 'summary': written at a batch's end
        self._batch_walked: dict[tuple[str, str], bool] = {}  # (url, sha256) -> _walked_intact, likewise
        self.mismatches: list[str] = []  # stored records not bound to their page: parsed (located) again
        self._written = WrittenFiles(self.root)
        self._trusted: set[str] = set()  # 'summary', 'locations': files as this store wrote them

    # batching
    @contextmanager
    def batch(self) -> Iterator["ParseStore"]:
        """Defer the store's index writes (locations, stamps, summary) to the end of the block."""
        self._batch += 1
        try:
            yield self
        finally:
            self._batch -= 1
            if not self._batch:
                self._batch_checked.clear()
                self._batch_walked.clear()
                self.flush()

    def flush(self) -> None:
        """Write what changed of the locations, the verified stamps and the summary."""
        for name in sorted(self._dirty):
            data, path = {"index": (self._index, self.root / self.key / INDEX),
                          "locations": (self._locations, self._locations_path()),
                          "stamps": (self._stamps, self.root / STAMPS),
                          "summary": (self._summary, self.root / self.key / SUMMARY)}[name]
            try:
                self._written.write(path, json.dumps(data, sort_keys=True, indent=0 if name != "summary" else None,
                                                     ensure_ascii=False).encode("utf-8"))
            except OSError:
                pass  # the store only saves time; a full disk must not fail the run
        self._dirty.clear()
        self._written.save()

    def _changed(self, name: str) -> None:
        self._dirty.add(name)
        if not self._batch:
            self.flush()

    # narratives
    def _record_key(self, country: str, year: int, sha256: str) -> str:
        return f"{country}/{year}/{sha256[:20]}"

    def _batches(self) -> Path:
        return self.root / self.key / BATCHES

    def _load_index(self) -> dict[str, list]:
        if self._index is None:
            self._index = json_dict(self.root / self.key / INDEX)
        return self._index

    def has_record(self, country: str, year: int, sha256: str) -> bool:
        """True when the store's index names a record of this page for country-year."""
        return valid_place(self._load_index().get(self._record_key(country, year, sha256))) is not None

    def get(self, country: str, year: int, sha256: str, url: str = "") -> PageOutcome | None:
        """The stored outcome of the page with this sha256 for country-year (its source `url` when
        given), or None: not stored, its batch file gone, or its record damaged or not bound to that
        page (an edited record: said once in `mismatches`, then parsed again)."""
        place = valid_place(self._load_index().get(self._record_key(country, year, sha256)))
        if place is None:
            return None
        where = f"{PARSED_DIR}/{self.key}/{BATCHES}/{place[0]} (the narrative of {country} {year})"
        try:
            data = read_record(self._batches(), place)
        except NoRecord:
            self._mismatch(where)
            return None
        except OSError:
            return None
        try:
            narrative = narrative_from_dict(data["narrative"]) if data.get("narrative") else None
            bound = (data.get("check") == record_check("narrative", country, year, sha256, data)
                     and (narrative is None or (narrative.country, narrative.year) == (country, year))
                     and (narrative is None or not url or narrative.source_url == url))
            synthetic = data.get("synthetic") is True
            if bound and data.get("error"):
                return PageOutcome(None, str(data["error"]), int(data.get("replaced_bytes", 0)), synthetic=synthetic)
            if bound and narrative is not None:
                return PageOutcome(narrative, "", int(data.get("replaced_bytes", 0)), synthetic=synthetic)
        except (ValueError, KeyError, TypeError, AttributeError):
            pass
        self._mismatch(where)
        return None

    def _mismatch(self, what: str) -> None:
        if what not in self.mismatches:
            self.mismatches.append(what)

    def mismatch_note(self) -> str:
        """One line for every stored record that did not match its page (and was parsed again), or ''."""
        if not self.mismatches:
            return ""
        first = "; ".join(self.mismatches[:3]) + (f" and {len(self.mismatches) - 3} more" if len(self.mismatches) > 3 else "")
        return (f"{len(self.mismatches)} parse-store record(s) did not match the page they came from (edited?) and "
                f"were read again from the page: {first}")

    def _read_trusted(self, name: str, path: Path) -> dict:
        """The store's JSON file `name` (summary, locations); its records are trusted without their
        checks when the file is byte for byte what this store wrote (scrapers.store.written)."""
        found, as_written = self._written.read(path)
        if as_written:
            self._trusted.add(name)
        return found

    def _load_summary(self) -> dict[str, dict]:
        if self._summary is None:
            self._summary = self._read_trusted("summary", self.root / self.key / SUMMARY)
        return self._summary

    def get_light(self, country: str, year: int, sha256: str, url: str = "") -> PageOutcome | None:
        """get() without the narrative's text: its tier and source only (sections empty), from the
        summary; None when the summary lacks it, its stored file is gone, or it is not bound to the page."""
        key = self._record_key(country, year, sha256)
        record = self._load_summary().get(key)
        place = valid_place(self._load_index().get(key))
        if not isinstance(record, dict) or place is None or not self._batch_file_exists(place[0]):
            return None
        if ("summary" not in self._trusted and record.get("check") != record_check("summary", country, year, sha256, record)
                or (url and record.get("source_url") not in (None, url))):
            self._mismatch(f"{PARSED_DIR}/{self.key}/{SUMMARY} (the entry of {country} {year})")
            return None
        if "summary" not in self._trusted:
            self._written.passed(self.root / self.key / SUMMARY, key)
        try:
            if record.get("error"):
                return PageOutcome(None, str(record["error"]), int(record.get("replaced_bytes", 0)))
            narrative = Narrative(country=country, year=year, source_url=str(record["source_url"]),
                                  tier=dataclass_from_dict(TierReading, record["tier"]))
            return PageOutcome(narrative, "", int(record.get("replaced_bytes", 0)))
        except (KeyError, TypeError, ValueError):
            return None

    def remember_summary(self, country: str, year: int, sha256: str, outcome: PageOutcome) -> None:
        """Record an outcome (already put) in the summary that get_light reads."""
        if not outcome.keep:
            return
        record: dict = {"error": outcome.error, "replaced_bytes": outcome.replaced_bytes}
        if outcome.narrative is not None:
            record.update(source_url=outcome.narrative.source_url, tier=dataclasses.asdict(outcome.narrative.tier))
        record["check"] = record_check("summary", country, year, sha256, record)
        summary = self._load_summary()
        key = self._record_key(country, year, sha256)
        if summary.get(key) != record:
            summary[key] = record
            self._changed("summary")

    def _batch_file_exists(self, name: str) -> bool:
        known = self._batch_files.get(name)
        if known is None:
            known = self._batch_files[name] = os.path.isfile(self._batches() / name)
        return known

    def put(self, country: str, year: int, sha256: str, outcome: PageOutcome) -> None:
        """Store one outcome (a batch file of one record)."""
        self.adopt(self.write_batch([(country, year, sha256, outcome)]))

    def write_batch(self, items: Iterable[tuple[str, int, str, PageOutcome]]) -> dict[str, Place]:
        """Write the kept outcomes of (country, year, sha256, outcome) as one batch file (one fsync);
        where each record is, for adopt() (a pool worker returns it to the parent, which keeps the
        index). {} when nothing is kept or the disk refuses: the store only saves time."""
        records: dict[str, dict] = {}
        for country, year, sha256, outcome in items:
            if not outcome.keep:
                continue
            body = {"error": outcome.error, "replaced_bytes": outcome.replaced_bytes, "synthetic": outcome.synthetic,
                    "narrative": narrative_to_dict(outcome.narrative) if outcome.narrative else None}
            body["check"] = record_check("narrative", country, year, sha256, body)
            records[self._record_key(country, year, sha256)] = body
        try:
            return write_batch(self._batches(), records)
        except OSError:
            return {}

    def adopt(self, places: dict[str, Place]) -> None:
        """Index records written by write_batch (here or in a pool worker)."""
        if not places:
            return
        index = self._load_index()
        for key, place in places.items():
            index[key] = list(place)
            self._batch_files[place[0]] = True
        self._changed("index")

    # locations
    def _locations_path(self) -> Path:
        return self.root / f"locations-d{DISCOVERY_VERSION}.json"

    def _load_locations(self) -> dict[str, dict]:
        if self._locations is None:
            self._locations = self._read_trusted("locations", self._locations_path())
        return self._locations

    def location(self, country: str, year: int) -> tuple[str, str] | None:
        """(narrative URL, '') the year's table of contents led to, or ('', why) when it lists no
        narrative for the country; None unless every page walked is unchanged."""
        record = self._load_locations().get(f"{country}/{year}")
        if not isinstance(record, dict) or not (record.get("url") or record.get("not_listed")):
            return None
        if "locations" not in self._trusted and record.get("check") != record_check("location", country, year, "", record):
            self._mismatch(f"{self._locations_path().relative_to(self.cache.root)} (the location of {country} {year})")
            return None
        if "locations" not in self._trusted:
            self._written.passed(self._locations_path(), f"{country}/{year}")
        for url, sha in record.get("walked", {}).items():
            if not self._walked_intact(url, sha):
                return None
        return (str(record.get("url") or ""), str(record.get("not_listed") or ""))

    def _walked_intact(self, url: str, sha256: str) -> bool:
        """True when a page a location walked is still cached, intact, with this sha256 (inside a
        batch, answered once per page: every country of a year walked the same pages)."""
        known = self._batch_walked.get((url, sha256)) if self._batch else None
        if known is None:
            entry = self.entry(url)
            known = entry is not None and entry.sha256 == sha256 and not self.intact(url)
            if self._batch:
                self._batch_walked[(url, sha256)] = known
        return known

    def remember_location(self, country: str, year: int, url: str, walked: Iterable[str],
                          not_listed: str = "") -> None:
        shas = {}
        for page in walked:
            entry = self.entry(page)
            if entry is None:
                return  # something walked is not cached: nothing stable to remember
            shas[page] = entry.sha256
        locations = self._load_locations()
        record = {"url": url, "walked": shas, **({"not_listed": not_listed} if not_listed else {})}
        record["check"] = record_check("location", country, year, "", record)
        if locations.get(f"{country}/{year}") == record:
            return
        locations[f"{country}/{year}"] = record
        self._changed("locations")
