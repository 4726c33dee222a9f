"""Reading and caching for the World and Compare pages (Streamlit side of dashboard/world.py).

Tables are read ONLY through `scrapers.store.tableset.current(data_dir())`, and only the columns (and for
kwic only the north_korean rows) the pages need, with pyarrow when it is installed. The aggregate
`WorldTables` is built once per table-set version (`TableSet.key`) and kept with
`st.cache_resource`: every rerun gets the same small frames back without a copy, so a widget change
never touches the big tables. Callers must treat what they get as read-only.

URL helpers: the pages keep their widgets under page-local session keys (`world_year`, ...) so
that they never collide with the other pages' widgets, and mirror them to short URL parameters
(`?year=2021&country=russia`).
"""
from __future__ import annotations

import csv
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import pandas as pd
import streamlit as st

from dashboard import world as W
from dashboard.data import REPO_ROOT, data_dir
from scrapers.summary import SUMMARY_DIR
from scrapers.store.tableset import TableSet, current

KELLEY_FILE = Path("reference") / "kelley_tiers.csv"
KELLEY_CODES = {"KOS": "XKX"}  # Kelley's code -> the registry's
MENTION_COLUMNS = ("country", "year", "group", *W.MEASURES, "word_count")
NARRATIVE_COLUMNS = ("country", "year", "word_count")
TIER_COLUMNS = ("country", "year", "tier", "tier_sentence", "source_url", "origin", "kelley_tier", "kelley_agrees")
KWIC_COLUMNS = ("country", "year", "group", "kinds", "section", "paragraph_index", "sentence_index",
                "sentence", "source_url")


# -- reading ------------------------------------------------------------------------------------
def read_columns(ts: TableSet, name: str, columns: Sequence[str], *, group: str | None = None,
                 threads: bool = True) -> pd.DataFrame:
    """Columns of table `name` of the set, optionally only the rows whose `group` is `group`; a
    column the table lacks comes back as ''. From the set's Parquet copy when it has one (typed:
    numbers as numbers, text '' when empty; read with a row filter), else from the CSV (all text)
    with pyarrow's reader converting only the wanted columns, else pandas. threads=False keeps
    pyarrow on one core (for reads in the background while a page renders)."""
    columns = list(dict.fromkeys(columns))
    if not ts.has(name):
        return pd.DataFrame({c: pd.Series(dtype=str) for c in columns})
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:  # pragma: no cover - pandas reads the CSV instead
        pa = None
    parquet = ts.parquet_path(name) if hasattr(ts, "parquet_path") else None
    path = ts.path(name)
    if parquet is None and path.suffix == ".parquet":
        parquet = path
    if pa is not None and parquet is not None:
        import pyarrow.parquet as pq

        present = [c for c in columns if c in pq.read_schema(parquet).names]
        filters = [("group", "=", group)] if group is not None and "group" in present else None
        df = pq.read_table(parquet, columns=present, filters=filters, use_threads=threads).to_pandas()
    elif pa is not None:
        import pyarrow.csv as pacsv

        with path.open("r", encoding="utf-8-sig", newline="") as fh:
            names = next(csv.reader(fh), [])
        present = [c for c in columns if c in names]
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(use_threads=threads),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(include_columns=present,
                                                 column_types={c: pa.string() for c in present},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
        if group is not None and "group" in present:
            table = table.filter(pc.equal(table["group"], group))
        df = table.to_pandas()
    else:
        head = pd.read_csv(path, nrows=0)
        present = [c for c in columns if c in head.columns]
        df = pd.read_csv(path, usecols=present, dtype=str, keep_default_na=False, na_values=[])
        if group is not None and "group" in present:
            df = df[df["group"] == group]
    for col in columns:
        if col not in df.columns:
            df[col] = ""
    return df[columns].reset_index(drop=True)


def kelley_path() -> Path | None:
    """DATA_DIR/reference/kelley_tiers.csv, else the repository's copy; None when neither exists."""
    for base in (data_dir(), REPO_ROOT / "data"):
        path = base / KELLEY_FILE
        if path.is_file():
            return path
    return None


def kelley_frame(path: Path | None) -> pd.DataFrame:
    """Kelley's panel as (country, year, tier, source_url) for report years from 2001, registry slugs,
    rows Kelley codes NA (not rated) or whose code the registry does not know left out."""
    cols = ["country", "year", "tier", "source_url"]
    if path is None:
        return pd.DataFrame(columns=cols)
    from analysis.schema import KELLEY_TIER_CODES

    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[])
    by_code = W.code_to_slug()
    iso = raw["iso"].str.strip().map(lambda c: KELLEY_CODES.get(c, c))
    out = pd.DataFrame({"country": iso.map(by_code), "year": pd.to_numeric(raw["year"], errors="coerce"),
                        "tier": raw["tier"].str.strip().map(KELLEY_TIER_CODES),
                        "source_url": raw.get("source_url", "")})
    out = out.dropna(subset=["country", "year", "tier"])
    out = out[out["year"] >= 2001]
    out["year"] = out["year"].astype(int)
    return out.reset_index(drop=True)


def _file_key(path: Path | None) -> tuple:
    if path is None:
        return ("none",)
    try:
        st_ = path.stat()
    except OSError:
        return (str(path), -1)
    return (str(path), st_.st_mtime_ns, st_.st_size)


def build_from_set(ts: TableSet | None, kelley: Path | None, *, with_sentences: bool = True
                   ) -> tuple[W.WorldTables, pd.DataFrame | None]:
    """(WorldTables, north_korean kwic rows) from a table set: the uncached work of `load_world`.
    with_sentences=False skips kwic (the aggregates then have no kinds; see `read_sentences`)."""
    if ts is None:
        empty = W.build_world(None, None, None, None, kelley_frame(kelley))
        return empty, pd.DataFrame(columns=list(KWIC_COLUMNS))
    tiers = read_columns(ts, "tiers", TIER_COLUMNS)
    narratives = read_columns(ts, "narratives", NARRATIVE_COLUMNS)
    mentions = read_columns(ts, "mentions", MENTION_COLUMNS)
    kwic_nk = read_sentences(ts) if with_sentences else None
    world = W.build_world(tiers, narratives, mentions, kwic_nk, kelley_frame(kelley))
    return world, kwic_nk


def read_sentences(ts: TableSet | None, *, threads: bool = True) -> pd.DataFrame:
    """The north_korean rows of kwic (KWIC_COLUMNS): the one read of the big table the pages make."""
    if ts is None:
        return pd.DataFrame(columns=list(KWIC_COLUMNS))
    return read_columns(ts, "kwic", KWIC_COLUMNS, group=W.NK, threads=threads)


@st.cache_resource(show_spinner="Summarising every narrative once for this data version…", max_entries=4)
def _cached_world(set_key: str, kelley_key: tuple, _ts: TableSet | None) -> W.WorldTables:
    """Keyed by the set's key and the Kelley file's version; `_ts` (not hashed) is the set itself.
    kwic is not read here (see _sentences_future), so a cold page never waits for the big table."""
    return build_from_set(_ts, Path(kelley_key[0]) if kelley_key[0] != "none" else None, with_sentences=False)[0]


_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tipdash-world-kwic")


@st.cache_resource(show_spinner=False, max_entries=4)
def _sentences_future(set_key: str, _ts: TableSet | None) -> Future:
    """The north_korean kwic rows of this set version, read once in a background thread (on one
    core, so that the page rendering meanwhile keeps the other)."""
    return _POOL.submit(read_sentences, _ts, threads=False)


@dataclass(frozen=True)
class WorldLoad:
    """What the pages get: the aggregates, the set (or None), and the north_korean sentences being
    read in the background (`sentences` is None until they are there)."""

    world: W.WorldTables
    table_set: TableSet | None
    kelley_key: tuple = ()
    future: Future | None = None

    @property
    def synthetic(self) -> bool:
        return bool(self.table_set is not None and self.table_set.manifest.synthetic)

    @property
    def sentences(self) -> pd.DataFrame | None:
        """The north_korean kwic rows once read; None while the read runs (or when it failed)."""
        if self.future is None or not self.future.done() or self.future.exception() is not None:
            return None
        return self.future.result()

    @property
    def sentences_problem(self) -> str:
        """Why the sentences could not be read ('' when they were, or are still being read)."""
        if self.future is None or not self.future.done() or self.future.exception() is None:
            return ""
        return f"kwic could not be read: {self.future.exception()}"

    def wait_sentences(self, timeout: float | None = None) -> pd.DataFrame | None:
        """Block until the sentences are read (tests and benchmarks); None on failure or timeout."""
        if self.future is None:
            return None
        try:
            return self.future.result(timeout=timeout)
        except Exception:  # noqa: BLE001 - reported by sentences_problem
            return None


def world_set() -> TableSet | None:
    """The table set the World and Compare pages read: the data directory's own, or its world
    summary (DATA_DIR/world, `python -m scrapers summary`), whichever holds more narratives."""
    sets = [ts for ts in (current(data_dir()), current(data_dir() / SUMMARY_DIR)) if ts is not None]

    def narratives(ts: TableSet) -> int:
        info = ts.manifest.tables.get("narratives")
        return info.rows if info is not None else 0

    return max(sets, key=narratives, default=None)  # max keeps the first (the data directory's) on ties


def load_world() -> WorldLoad:
    """The World/Compare aggregates of the world set (built once per set version), and the
    background read of its north_korean sentences (started once per set version)."""
    ts = world_set()
    kelley = kelley_path()
    key = ts.key if ts is not None else f"none:{data_dir()}"
    kelley_key = _file_key(kelley)
    world = _cached_world(key, kelley_key, ts)  # first: the read below must not slow it down
    future = _sentences_future(key, ts)
    return WorldLoad(world, ts, kelley_key, future)


# -- URL <-> widget state ------------------------------------------------------------------------
def _url_values(url_key: str) -> list[str]:
    out: list[str] = []
    for raw in st.query_params.get_all(url_key):
        out.extend(v.strip() for v in raw.split(",") if v.strip())
    return out


def seed_single(state_key: str, url_key: str, options: Sequence, default) -> None:
    """Before a single-choice widget: its value from the URL if it is an option, else the default."""
    if state_key in st.session_state and st.session_state[state_key] in options:
        return
    by_text = {str(o): o for o in options}
    wanted = [by_text[v] for v in _url_values(url_key) if v in by_text]
    st.session_state[state_key] = wanted[0] if wanted else default


def seed_multi(state_key: str, url_key: str, options: Sequence[str], default: Sequence[str]) -> None:
    """Before a multiselect: its values from the URL (valid options only), else the default."""
    if state_key in st.session_state:
        st.session_state[state_key] = [v for v in st.session_state[state_key] if v in options]
        return
    wanted = [v for v in dict.fromkeys(_url_values(url_key)) if v in options]
    st.session_state[state_key] = wanted if wanted else [v for v in default if v in options]


def write_url(url_key: str, value, default) -> None:
    """After the widget: the value in the URL, or no parameter when it equals the default."""
    if isinstance(value, (list, tuple)):
        same = [str(v) for v in value] == [str(v) for v in default]
        new: str | list[str] = [str(v) for v in value]
    else:
        same = str(value) == str(default)
        new = str(value)
    if same:
        if url_key in st.query_params:
            del st.query_params[url_key]
    elif st.query_params.get_all(url_key) != (new if isinstance(new, list) else [new]):
        st.query_params[url_key] = new


# -- figures and derived frames, built once per data version and choice ---------------------------
@st.cache_resource(show_spinner=False, max_entries=256)
def _once(kind: str, set_key: str, kelley_key: tuple, params: tuple, _build):
    """What `_build()` returns, kept per (kind, data version, params). Read-only."""
    return _build()


def cached(kind: str, load: "WorldLoad", params: tuple, build):
    """`build()`'s result for this data version, built once per (kind, params): plotly figures cost
    50-150 ms to build, so a widget change redraws only what it changed. Never modify the result."""
    key = load.table_set.key if load.table_set is not None else "none"
    return _once(kind, key, load.kelley_key, tuple(params), build)


figure = cached
