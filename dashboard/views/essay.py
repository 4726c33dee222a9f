"""Essay vs report: each claim of Hynes (2022) as claims.csv holds it (verdict, what was tested, what
the verdict means, evidence, links, rule: all computed by analysis.claims; this page only formats
them), then the report's quantifier words for North Korean women beside the NGOs' estimates."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.claims import evaluate_without_corpus
from analysis.schema import NEEDS_DATA, NOT_SUPPORTED, PARTLY, SUPPORTED, VERDICTS
from dashboard import cached, charts, data, derived, ui
from dashboard.country import CHINA, for_country
from dashboard.ngo_estimates import ESSAY_CITATION, ESSAY_URL, NGO_CHECK, estimates_from_claims
from dashboard.textsafe import escape_markdown, markdown_link

VERDICT_COLORS = {SUPPORTED: "green", PARTLY: "orange", NOT_SUPPORTED: "red", NEEDS_DATA: "gray"}
VERDICT_ICONS = {SUPPORTED: ":material/check_circle:", PARTLY: ":material/contrast:",
                 NOT_SUPPORTED: ":material/cancel:", NEEDS_DATA: ":material/hourglass_empty:"}

st.title("The essay's claims against the report")
ui.page_banner()
st.markdown(f"Claims of {escape_markdown(ESSAY_CITATION)} ([read the essay]({ESSAY_URL})), each checked "
            "against the China narratives in the data. The rules behind each verdict are shown with it.")

claims, note = data.load_claims()
essay_input = data.load_table("essay_claims")
if claims is not None and note and essay_input.ok:
    lexicon, _ = data.load_lexicon()
    if lexicon is not None:  # no claims.csv yet: the same rules say what each claim needs
        claims = evaluate_without_corpus(essay_input.df, lexicon)
narratives = for_country("narratives", CHINA)  # the essay is about China's narrative
source_by_year: dict[int, str] = {}
if narratives.has_rows:
    source_by_year = dict(zip(narratives.df["year"].astype(int), narratives.df["source_url"]))
estimates = estimates_from_claims(essay_input.df) if essay_input.ok else ()


def _links(cell: object) -> list[tuple[int, int]]:
    """claims.csv's ';'-joined year:paragraph_index pairs."""
    out = []
    for part in str(cell or "").split(";"):
        year, _, para = part.strip().partition(":")
        if year.isdigit() and para.strip().isdigit():
            out.append((int(year), int(para)))
    return out


def _cell(row: dict, column: str) -> str:
    value = row.get(column, "")
    return "" if value is None or value != value else str(value)


def claim_card(row: dict) -> None:
    """One claim as claims.csv holds it."""
    verdict = _cell(row, "verdict") or NEEDS_DATA
    with st.container(border=True):
        st.badge(_cell(row, "verdict_label") or verdict, color=VERDICT_COLORS.get(verdict, "gray"),
                 icon=VERDICT_ICONS.get(verdict))
        st.markdown(f"**{escape_markdown(_cell(row, 'claim'))}**")
        if _cell(row, "quote"):
            st.markdown(f"> “{escape_markdown(_cell(row, 'quote'))}”  \n> — "
                        f"{escape_markdown(_cell(row, 'citation') or 'no source given')}")
        if _cell(row, "figure") and _cell(row, "check") == NGO_CHECK:
            st.markdown(f"Figure: **{escape_markdown(_cell(row, 'figure'))}**"
                        + (f" of {escape_markdown(_cell(row, 'denominator'))}" if _cell(row, "denominator") else ""))
        st.markdown(f"**What was tested:** {escape_markdown(_cell(row, 'tested') or '–')}  \n"
                    f"**What the verdict means:** {escape_markdown(_cell(row, 'meaning') or '–')}  \n"
                    f"**Evidence:** {escape_markdown(_cell(row, 'evidence') or '–')}")
        shown = _links(row.get("links_shown", ""))
        if shown:
            with st.container(horizontal=True):
                for year, index in shown:  # the URL's para is the paragraph's number on screen (index + 1)
                    st.page_link("views/read.py", label=f"{year}, ¶{index + 1}", icon=":material/article:",
                                 query_params={"year": str(year), "para": str(index + 1)})
                more = int(float(_cell(row, "links_not_shown") or 0))  # the loader reads numbers as floats
                if more:
                    st.caption(f"and {more} more paragraphs (all of them are in claims.csv, column links)")
        years = sorted({y for y, _ in _links(row.get("links", ""))})
        srcs = [markdown_link(f"{y} report page", source_by_year[y]) for y in years if y in source_by_year]
        if srcs:
            st.caption("Source: " + ", ".join(srcs))
        with st.expander("How this verdict is decided"):
            st.markdown(escape_markdown(_cell(row, "rule") or "No rule recorded for this claim."))
            if _cell(row, "check"):
                st.caption(f"The rule's code: `{_cell(row, 'check')}` in analysis/claim_checks.py.")


if claims is None:
    st.warning(f"No claims to show: {note}. The essay's claims live in `data/essay/claims.csv`; "
               f"`{data.REFRESH_COMMAND}` checks them against the narratives.", icon=":material/info:")
else:
    if note:
        st.info(f"Verdicts need analysed narratives ({escape_markdown(note)}). Run `{data.REFRESH_COMMAND}` "
                "to fetch and analyse them; until then every claim reads *needs data*.", icon=":material/info:")
    counts = claims["verdict"].value_counts()
    st.caption(" · ".join(f"{v}: {int(counts.get(v, 0))}" for v in VERDICTS))
    for record in claims.to_dict("records"):
        claim_card(record)

kwic = for_country("kwic", CHINA)
st.header("“Some” North Korean women, or 60-80%?")
left, right = st.columns([1, 1])
report_words: str | None = None  # nothing derived from the report is drawn without report text
with left:
    st.subheader("What the report says")
    if kwic.ok and narratives.has_rows:
        women_only = st.toggle("Only sentences about women and girls", value=True, key="women_only")
        tally = cached.once("quantifier-tally", kwic.key, (women_only,),
                            lambda: derived.quantifier_tally(kwic.df, women_only=women_only))
        who = "women and girls" if women_only else "people"
        if tally.tally.empty:
            report_words = "no quantifier word"
            st.markdown(f"{derived.plural(len(tally.sentences), 'sentence')} name North Korean {who}; none "
                        "carries a quantifier word: the report gives **no figure** for them.")
        else:
            report_words = ", ".join(f"“{w}”" for w in tally.words[:3])
            st.markdown(f"Quantifier words in the {derived.plural(len(tally.sentences), 'sentence')} naming North "
                        f"Korean {who}: " + ", ".join(
                            f"**{escape_markdown(w)}** ({derived.plural(int(n), 'sentence')})"
                            for w, n in zip(tally.tally["quantifier"], tally.tally["sentences"])))
    else:
        ui.refresh_hint("the report's own words about North Korean women")
with right:
    st.subheader("What the NGOs estimate")
    if estimates:
        st.table(pd.DataFrame([{"estimate": e.amount, "of (denominator)": e.denominator, "by": e.source}
                               for e in estimates]))
        st.caption("50% and 15% are shares of those already trafficked into the sex trade, not of all women: "
                   "15% of the 60-80% trafficked would be about 9-12% of all female refugees (arithmetic, not an estimate).")
    else:
        st.warning(f"No NGO estimates to show: {essay_input.message or 'essay/claims.csv has no ngo_figure rows'}")
if kwic.ok and narratives.has_rows:
    with st.expander(f"The {derived.plural(len(tally.sentences), 'sentence')} behind these words"):
        table = tally.sentences[["year", "quantifiers", "sentence", "source_url"]].sort_values("year")
        st.dataframe(ui.http_links(table, "source_url"), hide_index=True, width="stretch", height=320,
                     row_height=ui.WRAP_ROW_HEIGHT, column_config={
            "year": st.column_config.NumberColumn("Year", format="%d", width="small"),
            "quantifiers": st.column_config.TextColumn("Quantifier words", width="small"),
            "source_url": st.column_config.LinkColumn("Source", display_text="open page", width="small"),
            "sentence": st.column_config.TextColumn("Sentence", width="large"),
        })
        st.caption(f"Source: {ui.REPORT_SOURCE} (kwic.csv, sentences naming North Korean people).")
if estimates:
    ui.show_chart(
        cached.figure("estimates", essay_input.key, (report_words,), lambda: charts.estimates_chart(
            estimates, report_words, source=ui.ESSAY_SOURCE + ("; " + ui.REPORT_SOURCE if report_words is not None else ""))),
        f"{ui.ESSAY_SOURCE} (Korea Future Initiative 2019; Korean NGOs via CNN 2019)"
        + ("; the report's words from kwic.csv." if report_words is not None else
           ". No report text in the data yet, so the report's side is not drawn."),
        key="essay-estimates", title="NGO estimates for North Korean women in China, and what the report says",
    )
