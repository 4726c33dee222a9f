"""The analysis tables of a corpus (analysis.tables on the corpus frames): the count tables and the
recommendations made in forked worker processes, by runs of countries, when the corpus is large
(both are made country by country); the same tables as one call."""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from analysis.lexicon import parse_lexicon
from analysis.schema import ESSAY_CLAIMS_COLUMNS
from analysis.tables import build_analysis_tables, build_claims_table, build_count_tables, build_recommendations_table
from scrapers.inputs import REPO_DATA, input_path
from scrapers.workers import run_in_pool, shared


def analysis_tables(data_dir: Path, frames: dict[str, pd.DataFrame], *, lexicon: Path | None,
                    claims: Path | None) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """analysis.tables.build_analysis_tables on the corpus frames: (tables, warnings); raises
    ValueError with a one-line reason when the lexicon or the claims cannot be used."""
    notes: list[str] = []
    lexicon_path = Path(lexicon) if lexicon else input_path(data_dir, "lexicon.toml")
    if lexicon_path is None:
        raise ValueError(f"no lexicon.toml in {data_dir} or {REPO_DATA}")
    claims_path = Path(claims) if claims else input_path(data_dir, "essay/claims.csv")
    if claims_path is None:
        notes.append(f"no essay/claims.csv in {data_dir} or {REPO_DATA}: claims.csv will be empty")
        essay_claims = pd.DataFrame(columns=list(ESSAY_CLAIMS_COLUMNS))
    else:
        essay_claims = pd.read_csv(claims_path)
    parsed_lexicon = parse_lexicon(lexicon_path.read_text(encoding="utf-8"))
    if len(frames["paragraphs"]) < POOL_MIN_PARAGRAPHS or (os.cpu_count() or 1) < 2:
        tables = build_analysis_tables(frames["paragraphs"], frames["narratives"], frames["tiers"],
                                       parsed_lexicon, essay_claims)
        return tables, notes
    counts = count_tables_in_pool(frames["paragraphs"], frames["narratives"], parsed_lexicon)
    claims_table = build_claims_table(essay_claims, counts["mentions"], counts["kwic"], frames["tiers"],
                                      frames["paragraphs"], parsed_lexicon)
    return {**counts, "claims": claims_table}, notes


# Count in a process pool when the corpus has at least this many paragraphs (a few countries' worth).
POOL_MIN_PARAGRAPHS = 20_000


def _country_chunks(paragraphs: pd.DataFrame, narratives: pd.DataFrame, chunks: int) -> list[list[str]]:
    """The countries of both frames, sorted, cut into about `chunks` runs of similar paragraph counts."""
    sizes = paragraphs["country"].astype(str).value_counts().to_dict()
    countries = sorted(set(sizes) | set(narratives["country"].astype(str)))
    target = max(1, sum(sizes.values()) // chunks)
    out: list[list[str]] = [[]]
    filled = 0
    for country in countries:
        if filled >= target and out[-1]:
            out.append([])
            filled = 0
        out[-1].append(country)
        filled += sizes.get(country, 0)
    return out


def _count_chunk(countries: list[str]) -> dict[str, pd.DataFrame]:
    paragraphs, narratives, lexicon = shared()
    wanted = set(countries)
    own_paragraphs = paragraphs[paragraphs["country"].astype(str).isin(wanted)]
    own_narratives = narratives[narratives["country"].astype(str).isin(wanted)]
    return {**build_count_tables(own_paragraphs, own_narratives, lexicon),
            "recommendations": build_recommendations_table(own_paragraphs, own_narratives, lexicon)}


def count_tables_in_pool(paragraphs: pd.DataFrame, narratives: pd.DataFrame, lexicon) -> dict[str, pd.DataFrame]:
    """analysis.tables.build_count_tables and build_recommendations_table over runs of countries in
    a process pool (forked workers read the frames they inherit), concatenated in country order:
    the same tables as one call of each (both sort by country first)."""
    workers = os.cpu_count() or 1
    chunks = _country_chunks(paragraphs, narratives, workers * 6)
    parts = run_in_pool(_count_chunk, chunks, (paragraphs, narratives, lexicon), workers)
    return {name: pd.concat([part[name] for part in parts], ignore_index=True)
            for name in ("mentions", "mention_sections", "kwic", "recommendations")}
