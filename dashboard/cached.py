"""What the pages build from the tables, built once per data version and kept server-wide.

`once(kind, key, params, build)` is the dashboard's ONE cache of figures and derived frames:
`build()` runs on a miss only, and `st.cache_resource` hands back the same object on every hit (no
copy, no unpickling), so a widget change reruns in milliseconds. Callers must treat what they get
as read-only. The World and Compare aggregates (`load_world`) and the matched-sentence positions of
the Mentions page are built here too, from tables read through dashboard.data (the one loader)
and dashboard.reader (its reader of files).
"""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard import charts, data, reader
from dashboard import world as W

MENTION_COLUMNS = ("country", "year", "group", *W.MEASURES, "word_count")
NARRATIVE_COLUMNS = ("country", "year", "word_count")
TIER_COLUMNS = ("country", "year", "tier", "tier_sentence", "source_url", "origin", "kelley_tier", "kelley_agrees")
KWIC_COLUMNS = ("country", "year", "group", "kinds", "section", "paragraph_index", "sentence_index",
                "sentence", "source_url")


@st.cache_resource(show_spinner=False, max_entries=512)
def _once(kind: str, key, params: tuple, _build):
    return _build()


def once(kind: str, key, params, build):
    """`build()`'s result, built once per (kind, data version `key`, `params`). Never modify it."""
    return _once(kind, key, tuple(params), build)


figure = once  # plotly figures cost 50-150 ms to build: a widget change redraws only what it changed

_LOADED_KEY = {data.Loaded: lambda t: (t.name, t.status, t.key)}


@st.cache_resource(show_spinner=False, max_entries=8, hash_funcs=_LOADED_KEY)
def concordance_data(kwic: data.Loaded, narratives: data.Loaded, labels: tuple[tuple[str, str], ...]) -> charts.ConcordanceData:
    """Every matched sentence's position in its narrative and its hover text."""
    return charts.concordance_data(kwic.df if kwic.ok else None, narratives.df if narratives.ok else None,
                                   dict(labels))


# -- World and Compare --------------------------------------------------------------------------
def kelley_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Kelley's panel (data.kelley_rows: iso3, year, tier, source_url) as (country, year, tier,
    source_url) with registry slugs; codes the registry does not know are left out."""
    by_code = W.code_to_slug()
    out = rows.assign(country=rows["iso3"].map(by_code)).dropna(subset=["country"])
    return out[["country", "year", "tier", "source_url"]].reset_index(drop=True)


def build_from_set(ts, kelley: pd.DataFrame, *, with_sentences: bool = True,
                   shapes: frozenset[str] | None = None) -> tuple[W.WorldTables, pd.DataFrame | None]:
    """(WorldTables, north_korean kwic rows) from a table set and Kelley's panel (kelley_frame):
    the uncached work of `load_world` (tests and benchmarks call it directly)."""
    if ts is None:
        return W.build_world(None, None, None, None, kelley, shapes), pd.DataFrame(columns=list(KWIC_COLUMNS))
    frames = {}
    for name, cols in (("tiers", TIER_COLUMNS), ("narratives", NARRATIVE_COLUMNS), ("mentions", MENTION_COLUMNS)):
        frames[name] = reader.read_table(ts, name, columns=cols)[0] if ts.has(name) else None
    kwic = reader.read_table(ts, "kwic", columns=KWIC_COLUMNS, group=W.NK)[0] if with_sentences and ts.has("kwic") else None
    return W.build_world(frames["tiers"], frames["narratives"], frames["mentions"], kwic, kelley, shapes), kwic


@st.cache_resource(show_spinner="Summarising every narrative once for this data version…", max_entries=4)
def _world(keys: tuple, _tables: tuple, _kelley: pd.DataFrame) -> W.WorldTables:
    tiers, narratives, mentions = _tables
    return W.build_world(tiers, narratives, mentions, None, kelley_frame(_kelley), shapes=data.shape_codes())


_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tipdash-world-kwic")


def _read_sentences(ts) -> tuple[pd.DataFrame | None, str]:
    if ts is None or not ts.has("kwic"):
        return pd.DataFrame(columns=list(KWIC_COLUMNS)), ""
    return reader.read_table(ts, "kwic", columns=KWIC_COLUMNS, group=W.NK)


@st.cache_resource(show_spinner=False, max_entries=4)
def _sentences_future(set_key: str, _ts) -> Future:
    """The north_korean kwic rows of this set version, read once in a background thread (so that
    a cold page never waits for the biggest table)."""
    return _POOL.submit(_read_sentences, _ts)


@dataclass(frozen=True)
class WorldLoad:
    """What the World and Compare pages get: the aggregates, the data version's key, the tables
    that could not be used (shown with ui.show_problem), and the north_korean sentences being
    read in the background (`sentences` is None until they are there)."""

    world: W.WorldTables
    key: tuple
    problems: tuple = ()
    synthetic: bool = False
    future: Future | None = None

    def _result(self) -> tuple[pd.DataFrame | None, str]:
        if self.future is None or not self.future.done():
            return None, ""
        try:
            return self.future.result()
        except Exception as exc:  # noqa: BLE001 - a vanished file: said, never raised
            return None, f"the file could not be read ({exc})"

    @property
    def sentences(self) -> pd.DataFrame | None:
        """The north_korean kwic rows once read; None while the read runs (or when it failed)."""
        return self._result()[0]

    @property
    def sentences_problem(self) -> str:
        """Why the sentences could not be read ('' when they were, or are still being read)."""
        problem = self._result()[1]
        return f"kwic.csv could not be used: {problem}" if problem else ""

    def wait_sentences(self, timeout: float | None = None) -> pd.DataFrame | None:
        """Block until the sentences are read (tests and benchmarks); None on failure or timeout."""
        if self.future is None:
            return None
        try:
            return self.future.result(timeout=timeout)[0]
        except Exception:  # noqa: BLE001 - reported by sentences_problem
            return None


def load_world() -> WorldLoad:
    """The World/Compare aggregates of this render's world set (built once per set version), and the
    background read of its north_korean sentences (started once per set version)."""
    s = data.sets()
    loads = [data.load_table(name, columns=cols, world=True)
             for name, cols in (("tiers", TIER_COLUMNS), ("narratives", NARRATIVE_COLUMNS), ("mentions", MENTION_COLUMNS))]
    problems = tuple(t for t in loads if t.status == "corrupt")
    kelley_key = data.kelley_key()
    tables = tuple(t.df if t.ok else None for t in loads)
    key = (s.key(world=True), kelley_key)
    world = _world(key + tuple(t.key for t in loads), tables, data.kelley_rows())
    future = _sentences_future(s.key(world=True), s.world)
    return WorldLoad(world, key, problems, data.manifest_synthetic(world=True), future)
