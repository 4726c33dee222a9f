"""The dashboard's ONE loader: what a page gets of the data directory's tables and inputs. Files are
opened by dashboard.reader alone (pure: the readers, the type convention, the plain-words problems);
this module holds the rules of a render and the server-wide caches.

Reader rule (one render, one generation): `begin_render()` (called by dashboard/app.py at the top of
every script run) resolves the table sets ONCE (`reader.resolve_sets`: the data directory's own set
and its world summary, DATA_DIR/world, `python -m scrapers summary`). Every `load_table` of that run
reads from the set resolved then, never resolved again, so a page never shows tables of two runs side
by side. If a file of that set vanished (a newer set was published meanwhile and the old one pruned),
the render starts again from the top on the new set (`st.rerun`), never mixing the two.

Reads take only the columns and the rows a view asks for (`columns=`, `country=`, `group=`; the
Parquet copy when the set has one) with the schema's types, and are kept in ONE server-wide cache
(st.cache_resource) keyed by the set's key: one copy per table generation and view, shared by every
session, never modified in place. A damaged file gives the same `Loaded` record with a plain message
on every page (`dashboard.ui.show_problem`), never a traceback. The inputs kept in the repository
(reference tiers, essay claims, Kelley's panel, the lexicon) are read from their files, keyed by
mtime and size.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Sequence

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from analysis.schema import INPUT_TABLES, NEEDS_DATA, ORIGIN_REFERENCE, TABLES
from dashboard import reader
from dashboard.reader import Sets, TableSet
from scrapers.datadir import ENV_VAR, default_data_dir
from scrapers.inputs import KELLEY_FILE, kelley_panel

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
_RENDER = "_tipdash_render_sets"


def _in_a_run() -> bool:
    return get_script_run_ctx(suppress_warning=True) is not None


def begin_render() -> Sets:
    """Resolve the table sets for this script run (app.py calls it once at the top of every run)."""
    found = reader.resolve_sets(data_dir())
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


# -- reading (pure: no Streamlit) ---------------------------------------------------------------
@st.cache_resource(show_spinner=False, max_entries=128)
def _read_cached(set_key: str, name: str, columns: tuple[str, ...] | None, country: str | None,
                 group: str | None, _ts: TableSet) -> tuple[pd.DataFrame | None, str]:
    """One read per (set version, table, view), server-wide; the frame is shared: read-only."""
    return reader.read_table(_ts, name, columns=columns, country=country, group=group)


@st.cache_resource(show_spinner=False, max_entries=64)
def _count_cached(set_key: str, name: str, _ts: TableSet) -> tuple[int | None, str]:
    """One count per (set version, table), server-wide."""
    return reader.count_rows(_ts, name)


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
        if reader.resolve_sets(s.root).key(world) != s.key(world):
            st.rerun()  # start this render again, wholly on the new set
        file = TABLES[name].file
        return Loaded(name, ts.path(name), "missing", f"{file} is listed in the table set but not on disk "
                      f"(generation {ts.generation})")


def file_bytes(t: Loaded):
    """A download's data for table `t`: a callable reading the file's bytes from disk when the user
    clicks (never serialised on a rerun); if a newer set replaced the file since, the frame as CSV
    (when `t` holds it) or the newer set's file."""
    root = data_dir()
    return lambda: reader.download_bytes(t.path, t.df if t.ok else None, t.name, root)


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
    spec = INPUTS[name]
    return reader.read_input(Path(path), spec.required, spec.numeric)


def _load_input(name: str) -> Loaded:
    path = input_path(name)
    sig = reader.signature(path)
    if sig[1] < 0 or not path.is_file():
        return Loaded(name, path, "missing", f"{path.name} is not in {path.parent}")
    df, problem = _input_cached(name, str(path), sig)
    if df is None:
        return Loaded(name, path, "corrupt", f"{path.name} could not be used: {problem}", key=sig)
    return Loaded(name, path, "ok", "", df, key=sig, rows=len(df))


def input_key(name: str) -> tuple:
    """The version of an input file (path, mtime, size): part of a cache key for what is built from it."""
    return reader.signature(input_path(name))


def kelley_key() -> tuple:
    """The version of Kelley's panel file (DATA_DIR's copy, else the repository's)."""
    local = data_dir() / KELLEY_FILE
    return reader.signature(local if local.is_file() else REPO_ROOT / "data" / KELLEY_FILE)


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
    return reader.signature(lexicon_path())


@st.cache_resource(show_spinner=False, max_entries=8)
def _lexicon_cached(path: str, mtime_ns: int, size: int) -> tuple[Any, str]:
    return reader.read_lexicon(Path(path))


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
    return reader.read_shapes(SHAPES_FILE)


def shape_codes() -> frozenset[str]:
    """The ISO3 codes the map has a shape for."""
    return frozenset(f["id"] for f in country_shapes().get("features", []))
