"""Shared fixtures for the analysis tests: the repository lexicon and small synthetic corpora."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.lexicon import parse_lexicon

ROOT = Path(__file__).resolve().parents[2]
LEXICON_PATH = ROOT / "data" / "lexicon.toml"


@pytest.fixture(scope="session")
def lexicon_text() -> str:
    return LEXICON_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def lexicon(lexicon_text):
    return parse_lexicon(lexicon_text)


def make_corpus(years: dict[int, list[str]], sections: dict[int, list[str]] | None = None, country: str = "china"):
    """Synthetic paragraphs and narratives tables from {year: [paragraph text, ...]}."""
    rows, narratives = [], []
    for year, paras in years.items():
        for i, text in enumerate(paras):
            section = (sections or {}).get(year, ["PROTECTION"] * len(paras))[i]
            rows.append((country, year, i, section, "", text))
        narratives.append((country, year, f"https://example.test/{year}/china/", "", "2024-01-01T00:00:00Z", "0" * 64,
                           sum(len(p.split()) for p in paras), len(paras), 1))
    paragraphs = pd.DataFrame(rows, columns=["country", "year", "paragraph_index", "section", "section_title_printed", "text"])
    narr = pd.DataFrame(narratives, columns=["country", "year", "source_url", "fetched_url", "fetched_at", "sha256",
                                             "word_count", "paragraph_count", "section_count"])
    return paragraphs, narr


def make_tiers(tiers: dict[int, tuple[str, str]], country: str = "china") -> pd.DataFrame:
    """A tiers table from {year: (tier, origin)}; reference rows carry reference_tier too."""
    rows = []
    for year, (tier, origin) in tiers.items():
        sentence = f"Therefore China remained on {tier}." if origin == "scraped" else ""
        rows.append((country, year, tier, sentence, f"https://example.test/{year}/", origin, "", tier, "https://ref.test/", ""))
    return pd.DataFrame(rows, columns=["country", "year", "tier", "tier_sentence", "source_url", "origin", "tier_note",
                                       "reference_tier", "reference_source_url", "agrees"])
