"""The charts built as plain figure specs (dashboard.figures.spec_figure skips plotly's property
validation) are valid plotly figures: each equals the figure plotly builds from the same spec with
full validation, for the view changes a user makes (groups, measure, year ranges, empty selections)
on the synthetic 'full' fixture; and the title and SYNTHETIC stamp never change the cached spec."""
from __future__ import annotations

import copy
import json

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from dashboard import charts, reader, ui
from dashboard.figures import spec_figure, stamp_synthetic
from scrapers.store.tableset import current

RANGES = [None, (2004, 2021), (2013, 2013), (2005, 2019), (1990, 2000)]
GROUPS = [["north_korean"], ["north_korean", "north_korea_state", "uyghur_xinjiang"], ["nobody"], []]


def _json(fig: go.Figure) -> dict:
    return json.loads(pio.to_json(fig.to_dict(), validate=False))


def _validated(spec: dict) -> dict:
    """The figure plotly's validators make of `spec` (raises on an invalid property or value)."""
    return _json(go.Figure(spec))


@pytest.fixture(scope="module")
def tables(full_dir):
    ts = current(full_dir)  # read as the pages read them (the loader's types)
    return {n: reader.read_table(ts, n, country="china")[0] for n in ("mentions", "mention_sections", "kwic", "narratives")}


def _specs(tables) -> dict[str, dict]:
    m, sections, kwic, narratives = (tables[n] for n in ("mentions", "mention_sections", "kwic", "narratives"))
    corpus = sorted(int(y) for y in narratives["year"].unique())
    conc = charts.concordance_data(kwic, narratives, {})
    kinds = charts.kind_counts(kwic)
    out = {}
    for r in RANGES:
        for i, groups in enumerate(GROUPS):
            for measure in charts.MEASURES:
                out[f"trend {i} {r} {measure}"] = charts.mentions_trend(m, groups, measure, years=r, corpus_years=corpus,
                                                                        source="s <&>")
            out[f"trend side {i} {r}"] = charts.mentions_trend(m, groups, "sentences", years=r, corpus_years=corpus,
                                                               source="s", legend_side=True, visible=groups[:1])
            out[f"concordance {i} {r}"] = charts.concordance(conc, groups, years=r, corpus_years=corpus, source="s")
        for group in ("north_korean", "nobody"):
            out[f"sections {group} {r}"] = charts.section_heatmap(sections, group, years=r, corpus_years=corpus, source="s")
        out[f"kinds {r}"] = charts.kinds_chart(kinds, kind_labels={}, years=r, corpus_years=corpus, source="s")
    return out


def test_every_spec_equals_its_validated_figure(tables):
    specs = _specs(tables)
    assert len(specs) > 100
    drawn = 0
    for name, spec in specs.items():
        assert _json(spec_figure(spec)) == _validated(spec), name
        drawn += bool(spec["data"])
    assert drawn > 50, "most variants draw traces (not only the blank 'nothing to show' figure)"


def test_the_shown_figure_is_valid_and_leaves_the_cached_spec_alone(tables):
    spec = _specs(tables)["trend 1 (2004, 2021) sentences"]
    before = copy.deepcopy(spec)
    shown = ui.shown_figure(spec, "Sentences <per> year", True)
    assert spec == before, "a cached spec is shared by every session: never changed"
    layout = _json(shown)["layout"]
    assert _json(shown) == _validated(shown.to_dict())
    assert layout["title"]["text"] == "<b>Sentences &lt;per&gt; year</b>"
    assert layout["margin"]["t"] == 40 + 34
    notes = [a["text"] for a in layout["annotations"]]
    assert notes[0].startswith("Source: SYNTHETIC test pages in the style of s") and "SYNTHETIC DATA" in notes[-1]
    again = stamp_synthetic(ui.titled(shown.to_dict(), "Sentences <per> year"))
    assert _json(spec_figure(again)) == _json(shown), "title and stamp are idempotent"
    plain = _json(ui.shown_figure(spec, None, False))["layout"]
    assert "title" not in plain and not any("SYNTHETIC" in a["text"] for a in plain["annotations"])


def test_a_graph_object_figure_is_titled_as_before(tables):
    """A chart still built with graph objects (the tier chart) gets the same title and stamp."""
    fig = charts.tier_chart(current_tiers(tables), source="s")
    shown = _json(ui.shown_figure(fig, "Tier", True))
    assert shown == _validated(ui.shown_figure(fig, "Tier", True).to_dict())
    assert shown["layout"]["title"]["text"] == "<b>Tier</b>" and shown["data"] == _json(fig)["data"]


def current_tiers(tables):
    import pandas as pd

    years = sorted(int(y) for y in tables["narratives"]["year"].unique())
    return pd.DataFrame({"year": years, "tier": ["Tier 3", "Tier 3", "Tier 2 Watch List", "Tier 3"][:len(years)],
                         "origin": "scraped", "tier_sentence": "", "source_url": "https://www.state.gov/x"})
