"""Parsing pages for many country-years at once: each page read, checked and decoded once, in a
process pool using every core when there are enough pages (each pool task writes its outcomes to the
parse store as one batch file; the parent indexes them)."""
from __future__ import annotations

import dataclasses
import hashlib
import os
from typing import Sequence

from scrapers.countries import get_country
from scrapers.models import Narrative
from scrapers.parse.decode import decode_page, looks_complete
from scrapers.parse.jobs import PageJob, PageOutcome, looks_synthetic, parse_text
from scrapers.parse.page import parse_all_narratives
from scrapers.store.batches import Place
from scrapers.store.parse_store import ParseStore
from scrapers.store.paths import page_body
from scrapers.workers import run_in_pool, shared


# Parse in a process pool when at least this many pages need parsing (below it, the pool's start
# costs more than it saves).
POOL_MIN_PAGES = 6
# Pool tasks per worker: each task is one batch file of the parse store (few files, few fsyncs)
# and small enough for the workers to share the pages evenly.
BATCHES_PER_WORKER = 8


def parse_page(job: PageJob) -> PageOutcome:
    """Parse one cached page (a top-level function, so a process pool can run it)."""
    try:
        body = page_body(job.path)
    except OSError as exc:
        return PageOutcome(None, f"cached page unreadable: {exc.strerror or exc}")
    if hashlib.sha256(body).hexdigest() != job.sha256:
        return PageOutcome(None, "cached page changed on disk (sha256 differs from the manifest)")
    text, replaced, utf8 = decode_page(body, job.content_type)
    return dataclasses.replace(parse_text(text, job, replaced, utf8), synthetic=looks_synthetic(body))


def parse_group(jobs: Sequence[PageJob]) -> list[PageOutcome]:
    """Parse one cached page for every country-year in `jobs` (all of the same page): read, checked
    and decoded once; a page holding several countries (2001-2008 regional pages) is split once by
    parse.page.parse_all_narratives, and a country it does not give is parsed on its own."""
    job = jobs[0]
    try:
        body = page_body(job.path)
    except OSError as exc:
        return [PageOutcome(None, f"cached page unreadable: {exc.strerror or exc}")] * len(jobs)
    if hashlib.sha256(body).hexdigest() != job.sha256:
        return [PageOutcome(None, "cached page changed on disk (sha256 differs from the manifest)")] * len(jobs)
    text, replaced, utf8 = decode_page(body, job.content_type)
    synthetic = looks_synthetic(body)
    if len(jobs) == 1:
        return [dataclasses.replace(parse_text(text, job, replaced, utf8), synthetic=synthetic)]
    found: dict[str, Narrative] = {}
    if text and not text.isspace() and looks_complete(text):  # else parse_narrative says why, per country
        try:
            names = {get_country(j.country).name: j.country for j in jobs}
            for name, narrative in parse_all_narratives(text, job.year, job.source_url, list(names), utf8):
                if narrative.country == names.get(name):
                    found[narrative.country] = narrative
        except Exception:  # none found, too deep, or a parser bug: each country is parsed on its own below
            found = {}
    return [PageOutcome(found[j.country], "", replaced, synthetic=synthetic) if j.country in found
            else dataclasses.replace(parse_text(text, j, replaced, utf8), synthetic=synthetic) for j in jobs]


def _group_jobs(jobs: Sequence[PageJob]) -> list[list[PageJob]]:
    """Jobs of the same page (path, sha256 and year) together, in first-seen order."""
    groups: dict[tuple[str, str, int], list[PageJob]] = {}
    for job in jobs:
        groups.setdefault((job.path, job.sha256, job.year), []).append(job)
    return list(groups.values())


def pool_store() -> ParseStore | None:
    """The parse store of the parse_many (or read.locate pool) this worker serves."""
    store = shared()
    return store if isinstance(store, ParseStore) else None


def _parse_batch(groups: list[list[PageJob]], store: ParseStore | None = None,
                 ) -> tuple[list[list[PageOutcome]], dict[str, Place]]:
    """parse_group of each group, and their outcomes written to the store as one batch file (where
    each record is goes back to the parent, which keeps the store's index)."""
    outcomes = [parse_group(group) for group in groups]
    store = store if store is not None else pool_store()
    places: dict[str, Place] = {}
    if store is not None:
        places = store.write_batch((job.country, job.year, job.sha256, outcome)
                                   for group, results in zip(groups, outcomes) for job, outcome in zip(group, results)
                                   if not cache_error(outcome))
    return outcomes, places


def cache_error(outcome: PageOutcome) -> bool:
    """True when the outcome says the cached file was unreadable or changed (not the page's fault)."""
    return outcome.error.startswith(("cached page changed on disk", "cached page unreadable"))


def parse_many(jobs: list[PageJob], store: ParseStore | None = None) -> list[PageOutcome]:
    """Parse pages (each page once, see parse_group), in a process pool using every core when there
    are enough of them; with `store`, each pool task's outcomes go into it as one batch file."""
    groups = _group_jobs(jobs)
    workers = min(os.cpu_count() or 1, len(groups))
    if workers < 2 or len(groups) < POOL_MIN_PAGES:
        batches = [_parse_batch(groups, store)] if groups else []
        chunks = [groups]
    else:
        size = max(1, -(-len(groups) // (workers * BATCHES_PER_WORKER)))
        chunks = [groups[i:i + size] for i in range(0, len(groups), size)]
        batches = run_in_pool(_parse_batch, chunks, store, workers)
    by_job: dict[int, PageOutcome] = {}
    for chunk, (results, places) in zip(chunks, batches):
        if store is not None:
            store.adopt(places)
        for group, outcomes in zip(chunk, results):
            by_job.update((id(job), outcome) for job, outcome in zip(group, outcomes))
    return [by_job[id(job)] for job in jobs]
