"""The dashboard's ONE loader: the only dashboard module that opens table files or knows the layout
of the data directory.

Reader rule (one render, one generation): `begin_render()` (called by dashboard/app.py at the top of
every script run) resolves the table sets ONCE, through `scrapers.store.tableset.current()`: the data
directory's own set and its world summary (DATA_DIR/world, `python -m scrapers summary`). Every
`load_table` of that run reads from the set resolved then, never resolved again, so a
page never shows tables of two runs side by side. If a file of that set vanished (a newer set was
published meanwhile and the old one pruned), the render starts again from the top on the new set
(`st.rerun`), never mixing the two.

Reads come from the set's Parquet copy when it has one (only the columns and the rows a view asks
for: `columns=`, `country=`, `group=`), else from its CSV; either way with the schema's types
(analysis.schema: `year` int64, the other number columns float64, text '' when empty). They are
kept in ONE server-wide cache (st.cache_resource) keyed by the set's key: one copy per table
generation and view, shared by every session, never modified in place. A damaged file gives the
same `Loaded` record with a plain message on every page (`dashboard.ui.show_problem`), never a
traceback. The inputs kept in the repository (reference tiers, essay claims, Kelley's panel, the
lexicon) are read from their files, keyed by mtime and size.
"""
from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Sequence

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from analysis.lexicon import parse_lexicon
from analysis.schema import INPUT_TABLES, NEEDS_DATA, ORIGIN_REFERENCE, TABLES
from scrapers.datadir import ENV_VAR, default_data_dir
from scrapers.inputs import KELLEY_FILE, kelley_panel
from scrapers.summary import SUMMARY_DIR
from scrapers.store.tableset import TableSet, current

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = REPO_ROOT / "data"
REFRESH_COMMAND = "python -m scrapers refresh"
PARSE_COMMAND = "python -m scrapers parse"

Status = Literal["ok", "missing", "corrupt"]


@dataclass(frozen=True)
class InputSpec:
    """A file kept in the repository (DATA_DIR's copy first): where it lives, the columns it must
    have and its number columns."""

    relpath: str
    required: tuple[str, ...]
    numeric: tuple[str, ...] = ()


INPUTS: dict[str, InputSpec] = {t.name: InputSpec(t.path, t.required, t.numeric) for t in INPUT_TABLES}


def data_dir() -> Path:
    """The data directory, by the one rule the CLI follows too (scrapers.datadir): $TIPDASH_DATA_DIR
    if set (relative to the cwd), else the repository's data/."""
    return default_data_dir()


def is_default_data_dir() -> bool:
    """True when the dashboard reads the repository's own data/ directory."""
    try:
        return data_dir().resolve() == DEFAULT_DATA_DIR.resolve()
    except OSError:
        return False


# -- one resolution per render ------------------------------------------------------------------
@dataclass(frozen=True)
class Sets:
    """The table sets one render reads: the data directory's own (`main`) and the one the World and
    Compare pages read (`world`: the world summary when it holds more narratives, else `main`)."""

    root: Path
    main: TableSet | None
    world: TableSet | None

    def key(self, world: bool = False) -> str:
        ts = self.world if world else self.main
        return ts.key if ts is not None else f"none:{self.root}"


_RENDER = "_tipdash_render_sets"


def resolve_sets(root: Path) -> Sets:
    """Resolve both sets of data directory `root` now (no caching)."""
    main = current(root)
    summary = current(root / SUMMARY_DIR)

    def narratives(ts: TableSet) -> int:
        info = ts.manifest.tables.get("narratives")
        return info.rows if info is not None else 0

    candidates = [ts for ts in (main, summary) if ts is not None]
    return Sets(root, main, max(candidates, key=narratives, default=None))  # ties keep the data dir's own


def _in_a_run() -> bool:
    return get_script_run_ctx(suppress_warning=True) is not None


def begin_render() -> Sets:
    """Resolve the table sets for this script run (app.py calls it once at the top of every run)."""
    found = resolve_sets(data_dir())
    if _in_a_run():
        st.session_state[_RENDER] = found
    return found


def sets() -> Sets:
    """The sets this render resolved (resolved now when no render began: a bare script, a test)."""
    found = st.session_state.get(_RENDER) if _in_a_run() else None
    if not isinstance(found, Sets) or found.root != data_dir():
        return begin_render()
    return found


def table_set() -> TableSet | None:
    """The data directory's table set of this render, or None when none is published yet."""
    return sets().main


def world_set() -> TableSet | None:
    """The table set the World and Compare pages read in this render."""
    return sets().world


def data_key() -> str:
    """A key that changes whenever the data the pages show changes (the set's key, or 'none:...')."""
    return sets().key()


# -- what a page gets ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Loaded:
    """One table as loaded: the frame when status is 'ok', else a user-facing message.

    `key` identifies this version and view of the table (the set's key, the table, the view): use it
    as a cache key for anything derived from the frame. `file` is the file's name as the user knows
    it (relative to the data directory's set)."""

    name: str
    path: Path
    status: Status
    message: str = ""
    df: pd.DataFrame | None = field(default=None, compare=False)
    key: tuple = ()
    rows: int = 0  # the rows the file holds (with a count from `table_rows`, df is None)

    @property
    def ok(self) -> bool:
        return self.status == "ok" and self.df is not None

    @property
    def has_rows(self) -> bool:
        return self.ok and len(self.df) > 0  # type: ignore[arg-type]

    @property
    def signature(self) -> tuple:
        """A cache key that changes when the table changes (same as `key`)."""
        return self.key


def _signature(path: Path) -> tuple[str, int, int]:
    try:
        st_ = path.stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path), st_.st_mtime_ns, st_.st_size)


# -- reading (pure: no Streamlit) ---------------------------------------------------------------
def _types(df: pd.DataFrame, numeric: Sequence[str]) -> tuple[pd.DataFrame | None, str]:
    """The loader's one type convention: `year` int64 (never empty), other number columns float64
    (NaN when empty), text '' when empty."""
    for col in df.columns:
        if col in numeric:
            cells = df[col]
            if cells.dtype == object or pd.api.types.is_string_dtype(cells):
                text = cells.astype(str).str.strip()
                numbers = pd.to_numeric(text.where(text != ""), errors="coerce")
                bad = text[(text != "") & numbers.isna()]
                if len(bad):
                    return None, f"column '{col}' holds a non-number ({bad.iloc[0]!r}) on line {int(bad.index[0]) + 2}"
            else:
                numbers = pd.to_numeric(cells, errors="coerce")
            if col == "year":
                if numbers.isna().any():
                    return None, f"column 'year' is empty on line {int(numbers[numbers.isna()].index[0]) + 2}"
                df[col] = numbers.astype("int64")
            else:
                df[col] = numbers.astype("float64")
        elif df[col].isna().any():
            df[col] = df[col].fillna("")
    return df, ""


def parse_table(raw: bytes, required: Sequence[str], numeric: Sequence[str] = ()) -> tuple[pd.DataFrame | None, str]:
    """Parse and validate CSV bytes; returns (frame, '') or (None, the problem in plain words)."""
    if not raw.strip():
        return None, "the file is empty (not even a header row)"
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})"
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[])
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return None, f"the file is not valid CSV ({first})"
    missing = [c for c in required if c not in df.columns]
    if missing:
        return None, f"columns missing: {', '.join(missing)} (found: {', '.join(map(str, df.columns)) or 'none'})"
    return _types(df, [c for c in numeric if c in df.columns])


def _required(name: str) -> tuple[str, ...]:
    return TABLES[name].required  # a set written by older code may lack the optional columns


def _read_problem(exc: Exception) -> str:
    """A read error in plain words: the file could not be read (OSError) or is damaged (anything else)."""
    if isinstance(exc, OSError):
        return f"the file could not be read ({exc.strerror or exc})"
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return f"the file is damaged ({type(exc).__name__}: {first[:200]})"


def count_rows(ts: TableSet, name: str) -> tuple[int | None, str]:
    """How many rows table `name` of set `ts` holds: (rows, '') or (None, problem). From the Parquet
    copy's footer when the set has one (no row is read; its columns are checked against the schema),
    else by parsing the CSV (which also checks it)."""
    parquet = ts.parquet_path(name)
    if parquet is None:
        df, problem = read_table(ts, name, columns=_required(name))
        return (len(df) if df is not None else None), problem
    try:
        meta = pq.read_metadata(parquet)
    except FileNotFoundError:
        raise
    except Exception as exc:  # noqa: BLE001 - as read_table
        return None, _read_problem(exc)
    names = meta.schema.names
    missing = [c for c in _required(name) if c not in names]
    if missing:
        return None, f"columns missing: {', '.join(missing)} (found: {', '.join(names) or 'none'})"
    return meta.num_rows, ""


BATCH_ROWS = 32_768


def _matching_rows(parquet: Path, columns: list[str], filters: list[tuple[str, str, str]]) -> pa.Table:
    """The rows of `parquet` where every (column, '=', value) of `filters` holds, only `columns`.
    Streamed in batches of BATCH_ROWS and stopped after the last matching row: a filtered read of a
    file with one big row group decodes it whole (all of kwic's million rows to keep China's: 2 CPU-s
    and 860 MB at peak), and the rows of a table are grouped by country."""
    f = pq.ParquetFile(parquet)
    keys = f.read(columns=list(dict.fromkeys(c for c, _, _ in filters)))
    mask = None
    for col, _, value in filters:
        hit = pc.equal(keys[col], value)
        mask = hit if mask is None else pc.and_(mask, hit)
    mask = pc.fill_null(mask, False)
    hits = pc.indices_nonzero(mask)
    schema = pa.schema([f.schema_arrow.field(c) for c in columns])
    if len(hits) == 0:
        return schema.empty_table()
    first, last = hits[0].as_py(), hits[-1].as_py()
    parts, start = [], 0
    for batch in f.iter_batches(batch_size=BATCH_ROWS, columns=columns, use_threads=False):
        if start + batch.num_rows > first:
            parts.append(batch.filter(mask.slice(start, batch.num_rows)).select(columns))
        start += batch.num_rows
        if start > last:
            break
    return pa.Table.from_batches(parts, schema=schema)


def read_table(ts: TableSet, name: str, *, columns: Sequence[str] | None = None, country: str | None = None,
               group: str | None = None) -> tuple[pd.DataFrame | None, str]:
    """Table `name` of set `ts` (and of no other set): (frame, '') or (None, problem). Only `columns`
    (all when None; one the table lacks comes back as ''), only the rows of `country` / `group`
    when given. From the Parquet copy when the set has one, else the CSV; the schema's types."""
    schema = TABLES[name]
    wanted = list(dict.fromkeys(columns)) if columns is not None else list(schema.columns)
    parquet = ts.parquet_path(name)
    try:
        if parquet is not None:
            names = pq.read_schema(parquet).names
            missing = [c for c in _required(name) if c not in names]
            if missing:
                return None, f"columns missing: {', '.join(missing)} (found: {', '.join(names) or 'none'})"
            present = [c for c in wanted if c in names]
            filters = [(c, "=", v) for c, v in (("country", country), ("group", group)) if v is not None and c in names]
            df = (_matching_rows(parquet, present, filters) if filters else pq.read_table(parquet, columns=present)).to_pandas()
            pa.default_memory_pool().release_unused()  # else the allocator keeps the server's RSS at its peak
            df, problem = _types(df, schema.numeric)
        else:
            df, problem = parse_table(ts.path(name).read_bytes(), _required(name), schema.numeric)
            if df is not None:
                if country is not None and "country" in df.columns:
                    df = df[df["country"] == country]
                if group is not None and "group" in df.columns:
                    df = df[df["group"] == group]
    except FileNotFoundError:
        raise
    except Exception as exc:  # noqa: BLE001 - OSError, pyarrow's errors for a damaged file (ArrowInvalid, ...)
        return None, _read_problem(exc)
    if df is None:
        return None, problem
    for col in wanted:
        if col not in df.columns:
            df[col] = ""
    return df[wanted].reset_index(drop=True), ""


@st.cache_resource(show_spinner=False, max_entries=128)
def _read_cached(set_key: str, name: str, columns: tuple[str, ...] | None, country: str | None,
                 group: str | None, _ts: TableSet) -> tuple[pd.DataFrame | None, str]:
    """One read per (set version, table, view), server-wide; the frame is shared: read-only."""
    return read_table(_ts, name, columns=columns, country=country, group=group)


@st.cache_resource(show_spinner=False, max_entries=64)
def _count_cached(set_key: str, name: str, _ts: TableSet) -> tuple[int | None, str]:
    """One count per (set version, table), server-wide."""
    return count_rows(_ts, name)


class _Vanished(Exception):
    """A file of this render's set is gone: a newer set was published and this one pruned."""


def _from_set(ts: TableSet | None, root: Path, name: str, columns, country, group, count: bool = False) -> Loaded:
    file = TABLES[name].file
    if ts is None:
        return Loaded(name, root / "tables" / file, "missing", f"{file} is not there yet: no table set in "
                      f"{root / 'tables'}")
    path = ts.path(name)
    if not ts.has(name):
        return Loaded(name, path, "missing", f"{file} is not in the current table set (generation {ts.generation})")
    key = (ts.key, name, tuple(columns) if columns is not None else None, country, group)
    try:
        if count:
            key = (ts.key, name, "rows")
            rows, problem = _count_cached(ts.key, name, ts)
            df = None
        else:
            df, problem = _read_cached(*key, ts)
            rows = len(df) if df is not None else 0
    except FileNotFoundError as exc:
        raise _Vanished(str(exc)) from exc
    if problem:
        return Loaded(name, path, "corrupt", f"{file} could not be used: {problem}", key=key)
    return Loaded(name, path, "ok", "", df, key=key, rows=rows or 0)


def load_table(name: str, *, columns: Sequence[str] | None = None, country: str | None = None,
               group: str | None = None, world: bool = False) -> Loaded:
    """Table `name` (a table of analysis.schema.TABLES, or an input of INPUTS) as this render's set
    holds it (the world set with world=True); only the given columns and rows. Never raises."""
    if name in INPUTS:
        return _load_input(name)
    if name not in TABLES:
        return Loaded(name, data_dir() / f"{name}.csv", "missing", f"{name} is not a table of the data directory")
    return _load(name, world, columns, country, group)


def table_rows(name: str) -> Loaded:
    """Table `name` of this render's set as `load_table` would give it, but with only its row count
    (`rows`; `df` is None) and its status: from the Parquet footer, no row read. Never raises."""
    if name in INPUTS:
        return _load_input(name)
    return _load(name, False, None, None, None, count=True)


def _load(name: str, world: bool, columns, country, group, count: bool = False) -> Loaded:
    s = sets()
    ts = s.world if world else s.main
    try:
        return _from_set(ts, s.root, name, columns, country, group, count)
    except _Vanished:
        if resolve_sets(s.root).key(world) != s.key(world):
            st.rerun()  # start this render again, wholly on the new set
        file = TABLES[name].file
        return Loaded(name, ts.path(name), "missing", f"{file} is listed in the table set but not on disk "
                      f"(generation {ts.generation})")


def file_bytes(t: Loaded):
    """A download's data for table `t`: a callable reading the file's bytes from disk when the user
    clicks (never serialised on a rerun); if a newer set replaced the file since, the frame as CSV
    (when `t` holds it) or the newer set's file."""
    def read() -> bytes:
        try:
            return t.path.read_bytes()
        except OSError:
            pass
        if t.ok:
            return t.df.to_csv(index=False).encode("utf-8")
        newer = current(data_dir()) if t.name in TABLES else None
        return newer.path(t.name).read_bytes() if newer is not None and newer.has(t.name) else b""
    return read


# -- inputs kept in the repository --------------------------------------------------------------
def input_path(name: str) -> Path:
    """Where input `name` is read from: the data directory's copy, else the repository's."""
    relpath = INPUTS[name].relpath
    path = data_dir() / relpath
    if not path.exists() and (REPO_ROOT / "data" / relpath).exists():
        return REPO_ROOT / "data" / relpath
    return path


@st.cache_resource(show_spinner=False, max_entries=16)
def _input_cached(name: str, path: str, key: tuple) -> tuple[pd.DataFrame | None, str]:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return None, f"the file could not be read ({exc.strerror or exc})"
    spec = INPUTS[name]
    return parse_table(raw, spec.required, spec.numeric)


def _load_input(name: str) -> Loaded:
    path = input_path(name)
    sig = _signature(path)
    if sig[1] < 0 or not path.is_file():
        return Loaded(name, path, "missing", f"{path.name} is not in {path.parent}")
    df, problem = _input_cached(name, str(path), sig)
    if df is None:
        return Loaded(name, path, "corrupt", f"{path.name} could not be used: {problem}", key=sig)
    return Loaded(name, path, "ok", "", df, key=sig, rows=len(df))


def input_key(name: str) -> tuple:
    """The version of an input file (path, mtime, size): part of a cache key for what is built from it."""
    return _signature(input_path(name))


def kelley_key() -> tuple:
    """The version of Kelley's panel file (DATA_DIR's copy, else the repository's)."""
    local = data_dir() / KELLEY_FILE
    return _signature(local if local.is_file() else REPO_ROOT / "data" / KELLEY_FILE)


@st.cache_resource(show_spinner=False, max_entries=4)
def _kelley_cached(root: str, key: tuple) -> pd.DataFrame:
    panel, _ = kelley_panel(root)
    rows = [(iso3, year, ref.tier, ref.source_url) for iso3, years in panel.items() for year, ref in years.items()]
    return pd.DataFrame(rows, columns=["iso3", "year", "tier", "source_url"])


def kelley_rows() -> pd.DataFrame:
    """Kelley's panel (iso3 as the registry writes it, year, tier, source_url), read once per file
    version through scrapers.inputs (the one reader and the one code map of the panel)."""
    return _kelley_cached(str(data_dir()), kelley_key())


def manifest_synthetic(world: bool = False) -> bool:
    """True when this render's set says it was built from synthetic pages."""
    s = sets()
    ts = s.world if world else s.main
    return bool(ts is not None and ts.manifest.synthetic)


def reference_as_tiers(ref: pd.DataFrame) -> pd.DataFrame:
    """The reference table in the shape of tiers.csv (origin=reference), for when tiers.csv is absent."""
    out = pd.DataFrame({
        "country": ref["country"], "year": ref["year"], "tier": ref["tier"], "tier_sentence": "",
        "source_url": ref["source_url"], "origin": ORIGIN_REFERENCE, "tier_note": "",
        "reference_tier": ref["tier"], "reference_source_url": ref["source_url"], "agrees": "",
    })
    if "source_note" in ref.columns:
        out["source_note"] = ref["source_note"]
    return out


def load_tiers(country: str = "china") -> tuple[pd.DataFrame | None, list[str]]:
    """One country's tier history: tiers.csv, else the reference table; returns (frame or None, notes)."""
    notes: list[str] = []
    tiers = load_table("tiers", country=country)
    ref = load_table("reference_tiers")
    if tiers.ok:
        df = tiers.df
        if ref.ok and "source_note" in ref.df.columns and "source_note" not in df.columns:
            df = df.merge(ref.df[["year", "source_note"]], on="year", how="left").fillna({"source_note": ""})
        return df.sort_values("year").reset_index(drop=True), notes
    notes.append(tiers.message)
    if ref.ok:
        notes.append("Showing the reference tier table instead.")
        df = reference_as_tiers(ref.df)
        return df[df["country"] == country].sort_values("year").reset_index(drop=True), notes
    notes.append(ref.message)
    return None, notes


def load_claims() -> tuple[pd.DataFrame | None, str]:
    """The essay's claims with verdicts: claims.csv, else the essay input marked 'needs data'."""
    claims = load_table("claims")
    if claims.has_rows:
        return claims.df, ""
    essay = load_table("essay_claims")
    if essay.ok:
        df = essay.df.copy()
        df["verdict"] = NEEDS_DATA
        df["evidence"] = "No analysed narratives yet: run the refresh to check this claim."
        df["links"] = ""
        note = claims.message if claims.status != "ok" else "claims.csv has no rows"
        return df, note
    return None, f"{claims.message or 'claims.csv has no rows'}; {essay.message}"


# -- the lexicon --------------------------------------------------------------------------------
def lexicon_path() -> Path:
    """DATA_DIR/lexicon.toml if present, else the repository's data/lexicon.toml."""
    path = data_dir() / "lexicon.toml"
    return path if path.exists() else REPO_ROOT / "data" / "lexicon.toml"


def lexicon_key() -> tuple:
    """The lexicon file's version (path, mtime, size)."""
    return _signature(lexicon_path())


@st.cache_resource(show_spinner=False, max_entries=8)
def _lexicon_cached(path: str, mtime_ns: int, size: int) -> tuple[Any, str]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"{path} could not be read ({exc})"
    try:
        return parse_lexicon(text), ""
    except Exception as exc:  # noqa: BLE001 - the lexicon is user-edited; any failure becomes a note
        return None, f"{path} could not be parsed: {exc}"


def load_lexicon() -> tuple[Any, str]:
    """The parsed lexicon (or None) and a note explaining why it is missing."""
    sig = lexicon_key()
    if sig[1] < 0:
        return None, f"no lexicon at {lexicon_path()}"
    return _lexicon_cached(*sig)


def group_labels() -> dict[str, str]:
    """Group slug -> label, as the lexicon spells it; empty when the lexicon is unavailable."""
    lexicon, _ = load_lexicon()
    groups = getattr(lexicon, "groups", None) or {}
    return {str(slug): g.label for slug, g in groups.items() if isinstance(getattr(g, "label", None), str) and g.label}


def kind_labels() -> dict[str, str]:
    """Kind slug -> label, as the lexicon spells it; empty when the lexicon is unavailable."""
    lexicon, _ = load_lexicon()
    return {str(slug): k.label for slug, k in (getattr(lexicon, "kinds", None) or {}).items()}


# -- the World map's country shapes (shipped with the project: the map needs no network) ---------
SHAPES_FILE = REPO_ROOT / "dashboard" / "static" / "countries-110m.geojson"


def shapes_url() -> str | None:
    """The shapes file's address on this server ('app/static/...', relative to the page: Streamlit
    serves dashboard/static/ when .streamlit/config.toml enables static serving), or None when it does
    not (the map then carries the shapes in every figure, 0.5 MB of JSON per rerun)."""
    return f"app/static/{SHAPES_FILE.name}" if st.get_option("server.enableStaticServing") else None


@st.cache_resource(show_spinner=False, max_entries=1)
def country_shapes() -> dict:
    """Natural Earth's 1:110m countries as GeoJSON keyed by ISO3 (scripts/world_shapes.py made it
    from world-atlas; licence in dashboard/assets/LICENSE-world-atlas)."""
    return json.loads(SHAPES_FILE.read_text(encoding="utf-8"))


def shape_codes() -> frozenset[str]:
    """The ISO3 codes the map has a shape for."""
    return frozenset(f["id"] for f in country_shapes().get("features", []))
