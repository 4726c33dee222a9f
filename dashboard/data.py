"""Loading the data directory: the current table set, the repository inputs, validation, caching.

The corpus and analysis tables are read ONLY through `scrapers.store.tableset.current(data_dir)`: one
complete, published set (DATA_DIR/tables/current -> gNNNNNN/), never files of two runs side by side.
Reads are cached with `st.cache_data` keyed by the set's key (it changes when a refresh publishes a
new set), so a refresh shows up on the next rerun without restarting the server. The inputs kept in
the repository (reference tiers, essay claims, lexicon) are read from their files, keyed by mtime.

Every loader returns a `Loaded` record instead of raising, so a page can show a clear message for a
missing or corrupt file.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import streamlit as st

from dashboard.tables import BY_NAME, INPUT_NAMES, REPO_FALLBACK, TableSpec
from scrapers.datadir import ENV_VAR, default_data_dir
from scrapers.store.tableset import TableSet, current

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = REPO_ROOT / "data"
REFRESH_COMMAND = "python -m scrapers refresh"

Status = Literal["ok", "missing", "corrupt"]


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


def table_set() -> TableSet | None:
    """The current complete table set of the data directory, or None when none is published yet."""
    return current(data_dir())


def data_key() -> str:
    """A key that changes whenever the data the pages show changes (the table set's key, or 'none')."""
    ts = table_set()
    return ts.key if ts is not None else f"none:{data_dir()}"


@dataclass(frozen=True)
class Loaded:
    """One table as loaded: the frame when status is 'ok', else a user-facing message.

    `key` identifies this version of the table (the table set's key, or the input file's mtime and
    size): use it as a cache key for anything derived from the frame."""

    name: str
    path: Path
    status: Status
    message: str = ""
    df: pd.DataFrame | None = None
    key: tuple = ()

    @property
    def ok(self) -> bool:
        return self.status == "ok" and self.df is not None

    @property
    def has_rows(self) -> bool:
        return self.ok and len(self.df) > 0  # type: ignore[arg-type]

    @property
    def signature(self) -> tuple:
        """A cache key that changes when the table changes (same as `key`)."""
        return self.key or _signature(self.path)


def _signature(path: Path) -> tuple[str, int, int]:
    try:
        st_ = path.stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path), st_.st_mtime_ns, st_.st_size)


def input_path(name: str, base: Path | None = None) -> Path:
    """Where input `name` (reference_tiers, essay_claims) is read from: the data directory's copy,
    else the repository's."""
    spec = BY_NAME[name]
    base = base or data_dir()
    path = base / spec.relpath
    if name in REPO_FALLBACK and not path.exists():
        repo_copy = REPO_ROOT / "data" / spec.relpath
        if repo_copy.exists():
            return repo_copy
    return path


def table_path(name: str, base: Path | None = None) -> Path:
    """Where table `name` is read from: the current table set for tables, the input's file for inputs."""
    if name in INPUT_NAMES:
        return input_path(name, base)
    ts = current(base) if base is not None else table_set()
    if ts is None:
        return (base or data_dir()) / "tables" / "current" / BY_NAME[name].relpath
    return ts.path(name)


def parse_table(raw: bytes, spec: TableSpec) -> tuple[pd.DataFrame | None, str]:
    """Parse and validate CSV bytes against `spec`; returns (frame, '') or (None, problem)."""
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
    missing = [c for c in spec.required if c not in df.columns]
    if missing:
        return None, f"columns missing: {', '.join(missing)} (found: {', '.join(map(str, df.columns)) or 'none'})"
    for col in spec.numeric:
        cells = df[col].astype(str).str.strip()
        numbers = pd.to_numeric(cells.where(cells != ""), errors="coerce")
        bad = cells[(cells != "") & numbers.isna()]
        if len(bad):
            row = int(bad.index[0]) + 2  # header is line 1
            return None, f"column '{col}' holds a non-number ({bad.iloc[0]!r}) on line {row}"
        if col == "year":
            if numbers.isna().any():
                return None, f"column 'year' is empty on line {int(numbers[numbers.isna()].index[0]) + 2}"
            df[col] = numbers.astype("int64")
        else:
            df[col] = numbers.astype("float64")
    return df, ""


@st.cache_resource(show_spinner=False, max_entries=64)
def _read_cached(name: str, path: str, key: tuple) -> tuple[pd.DataFrame | None, str]:
    """Read and validate one file once per version; cached on `key` (the table set's key, or the
    file's mtime/size). The frame is shared between reruns and sessions: never modify it in place."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return None, f"the file could not be read ({exc.strerror or exc})"
    return parse_table(raw, BY_NAME[name])


def _load_input(name: str) -> Loaded:
    path = input_path(name)
    sig = _signature(path)
    if sig[1] < 0 or not path.is_file():
        return Loaded(name, path, "missing", f"{path.name} is not in {path.parent}")
    df, problem = _read_cached(name, str(path), sig)
    if df is None:
        return Loaded(name, path, "corrupt", f"{path.name} could not be used: {problem}", key=sig)
    return Loaded(name, path, "ok", "", df, key=sig)


def load_table(name: str, ts: TableSet | None = None, *, _retry: bool = True) -> Loaded:
    """Load table `name` (a key of dashboard.tables.BY_NAME): a table of the current set, or an
    input file; never raises."""
    if name in INPUT_NAMES:
        return _load_input(name)
    ts = ts if ts is not None else table_set()
    file = BY_NAME[name].relpath
    if ts is None:
        where = data_dir() / "tables"
        return Loaded(name, where / "current" / file, "missing",
                      f"{file} is not there yet: no table set in {where}")
    path = ts.path(name)
    if not ts.has(name):
        return Loaded(name, path, "missing", f"{file} is not in the current table set (generation {ts.generation})")
    key = (ts.key, name)
    if not path.is_file() and _retry:  # a newer set was published and this one pruned: read the new one
        return load_table(name, table_set(), _retry=False)
    df, problem = _read_cached(name, str(path), key)
    if df is None:
        return Loaded(name, path, "corrupt", f"{file} could not be used: {problem}", key=key)
    return Loaded(name, path, "ok", "", df, key=key)


def input_key(name: str) -> tuple:
    """The version of an input file (path, mtime, size): part of a cache key for what is built from it."""
    return _signature(input_path(name))


def manifest_synthetic(ts: TableSet | None = None) -> bool:
    """True when the current table set's manifest says it was built from synthetic pages."""
    ts = ts if ts is not None else table_set()
    return bool(ts is not None and ts.manifest.synthetic)


def reference_as_tiers(ref: pd.DataFrame) -> pd.DataFrame:
    """The reference table in the shape of tiers.csv (origin=reference), for when tiers.csv is absent."""
    out = pd.DataFrame({
        "country": ref["country"],
        "year": ref["year"],
        "tier": ref["tier"],
        "tier_sentence": "",
        "source_url": ref["source_url"],
        "origin": "reference",
        "tier_note": "",
        "reference_tier": ref["tier"],
        "reference_source_url": ref["source_url"],
        "agrees": "",
    })
    if "source_note" in ref.columns:
        out["source_note"] = ref["source_note"]
    return out


def load_tiers() -> tuple[pd.DataFrame | None, list[str]]:
    """China's tier history: tiers.csv, else the reference table; returns (frame or None, notes)."""
    notes: list[str] = []
    tiers = load_table("tiers")
    if tiers.ok:
        df = tiers.df
        ref = load_table("reference_tiers")
        if ref.ok and "source_note" in ref.df.columns and "source_note" not in df.columns:
            df = df.merge(ref.df[["year", "source_note"]], on="year", how="left")
        return df[df["country"] == "china"].sort_values("year").reset_index(drop=True), notes
    notes.append(tiers.message)
    ref = load_table("reference_tiers")
    if ref.ok:
        notes.append("Showing the reference tier table instead.")
        df = reference_as_tiers(ref.df)
        return df[df["country"] == "china"].sort_values("year").reset_index(drop=True), notes
    notes.append(ref.message)
    return None, notes


def lexicon_path() -> Path:
    """DATA_DIR/lexicon.toml if present, else the repository's data/lexicon.toml."""
    path = data_dir() / "lexicon.toml"
    return path if path.exists() else REPO_ROOT / "data" / "lexicon.toml"


@st.cache_resource(show_spinner=False, max_entries=8)
def _lexicon_cached(path: str, mtime_ns: int, size: int) -> tuple[Any, str]:
    try:
        from analysis.lexicon import parse_lexicon
    except ImportError as exc:
        return None, f"analysis.lexicon is not available ({exc})"
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
    path = lexicon_path()
    sig = _signature(path)
    if sig[1] < 0:
        return None, f"no lexicon at {path}"
    return _lexicon_cached(*sig)


def group_labels() -> dict[str, str]:
    """Group slug -> label from the lexicon; empty when the lexicon is unavailable."""
    lexicon, _ = load_lexicon()
    groups = getattr(lexicon, "groups", None) or {}
    labels: dict[str, str] = {}
    for slug, group in groups.items():
        label = getattr(group, "label", None)
        if isinstance(label, str) and label:
            labels[str(slug)] = label
    return labels


def load_claims() -> tuple[pd.DataFrame | None, str]:
    """The essay's claims with verdicts: claims.csv, else the essay input marked 'needs data'."""
    claims = load_table("claims")
    if claims.has_rows:
        return claims.df, ""
    essay = load_table("essay_claims")
    if essay.ok:
        df = essay.df.copy()
        df["verdict"] = "needs data"
        df["evidence"] = "No analysed narratives yet: run the refresh to check this claim."
        df["links"] = ""
        note = claims.message if claims.status != "ok" else "claims.csv has no rows"
        return df, note
    return None, f"{claims.message or 'claims.csv has no rows'}; {essay.message}"


def corpus_years(paragraphs: Loaded, narratives: Loaded) -> list[int]:
    """Report years that have narrative text."""
    if paragraphs.has_rows:
        return sorted(int(y) for y in paragraphs.df["year"].unique())
    if narratives.has_rows:
        return sorted(int(y) for y in narratives.df["year"].unique())
    return []
