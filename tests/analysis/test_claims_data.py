"""data/essay/claims.csv: the essay's claims, quoted verbatim, each with a rule that runs."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.claims import CHECKS, CLAIMS_INPUT_COLUMNS
from analysis.schema import VERDICTS
from analysis.tables import build_analysis_tables

from .conftest import make_corpus, make_tiers

ROOT = Path(__file__).resolve().parents[2]
CLAIMS = ROOT / "data" / "essay" / "claims.csv"
ESSAY = ROOT.parent / "shared" / "seed" / "essay.md"


@pytest.fixture(scope="module")
def claims() -> pd.DataFrame:
    return pd.read_csv(CLAIMS, dtype=str, keep_default_na=False)


def _normal(text: str) -> str:
    text = text.replace("\\$", "$")  # the essay's markdown escapes dollar signs
    return re.sub(r"\s+", " ", text).strip()


def test_columns_and_rows(claims):
    assert list(claims.columns) == CLAIMS_INPUT_COLUMNS + ["label"]  # label: the dashboard's short name of an NGO figure
    assert claims["claim_id"].is_unique
    assert set(claims["check"]) == set(CHECKS), "every rule is used by at least one claim"
    for col in ("claim", "quote", "citation"):
        assert (claims[col].str.strip() != "").all(), col
    assert (claims["quote"].str.split().str.len() <= 25).all(), "quotes are at most 25 words"
    figures = " ".join(claims["figure"])
    for figure in ("60 percent", "70-80 percent", "50 percent", "15 percent", "$105 million", "Tier 3", "some"):
        assert figure in figures, figure
    shares = claims[claims["figure"].str.contains("percent")]
    assert (shares["denominator"].str.strip() != "").all(), "every share names its denominator"
    assert claims.loc[claims["claim_id"] == "ngo_kfi_50pct_prostitution", "denominator"].str.contains("not of all women").all()


@pytest.mark.skipif(not ESSAY.exists(), reason=f"essay not found at {ESSAY}")
def test_quotes_are_verbatim_from_the_essay(claims):
    essay = _normal(ESSAY.read_text(encoding="utf-8"))
    missing = [q for q in claims["quote"] if _normal(q) not in essay]
    assert not missing, missing


def test_every_claim_gets_a_verdict_on_a_small_corpus(lexicon, claims):
    # SYNTHETIC TEST FIXTURE - not report text.
    paragraphs, narratives = make_corpus({
        2019: ["Women from Burma, North Korea, and Vietnam are trafficked to China."],
        2020: ["Uyghurs were detained in Xinjiang."],
        2021: ["Uyghurs were detained in Xinjiang.", "Traffickers lure, drug, detain, or kidnap some North Korean women upon their arrival in the PRC."],
    })
    tiers = make_tiers({2020: ("Tier 3", "reference"), 2021: ("Tier 3", "reference")})
    out = build_analysis_tables(paragraphs, narratives, tiers, lexicon, claims)["claims"]
    assert out["claim_id"].tolist() == claims["claim_id"].tolist()
    assert set(out["verdict"]) <= set(VERDICTS)
    verdicts = dict(zip(out["claim_id"], out["verdict"]))
    assert verdicts["tier3_2021"] == "supported"
    assert verdicts["last_paragraph_2021"] == "supported"
    assert verdicts["some_women_2021"] == "supported"
    assert verdicts["uyghur_focus_2021"] == "not supported"  # 1 vs 1 in this tiny corpus
    assert verdicts["ngo_kfi_60pct"] == "supported"
    assert all(e for e in out["evidence"])
