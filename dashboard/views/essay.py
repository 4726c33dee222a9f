"""Essay vs report: each claim of Hynes (2022) with verdict and evidence; the report's quantifier
words for North Korean women beside the NGOs' estimates, denominators spelled out."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.claims import CLAIM_RULES
from dashboard import cached, charts, claim_text, data, derived, ui
from dashboard.country import CHINA, for_country
from dashboard.ngo_estimates import ESSAY_CITATION, ESSAY_URL, estimates_from_claims
from dashboard.textsafe import escape_markdown, markdown_link

VERDICT_COLORS = {"supported": "green", "partly supported": "orange", "not supported": "red", "needs data": "gray"}
VERDICT_ICONS = {"supported": ":material/check_circle:", "partly supported": ":material/contrast:",
                 "not supported": ":material/cancel:", "needs data": ":material/hourglass_empty:"}

st.title("The essay's claims against the report")
ui.page_banner()
st.markdown(f"Claims of {escape_markdown(ESSAY_CITATION)} ([read the essay]({ESSAY_URL})), each checked "
            "against the China narratives in the data. The rules behind each verdict are shown with it.")

claims, note = data.load_claims()
labels = data.group_labels()
rules, rules_note = CLAIM_RULES, ""
narratives = for_country(data.load_table("narratives"), CHINA)  # the essay is about China's narrative
source_by_year: dict[int, str] = {}
if narratives.has_rows:
    source_by_year = dict(zip(narratives.df["year"].astype(int), narratives.df["source_url"]))


def _links(cell: str) -> list[tuple[int, int]]:
    out = []
    for part in str(cell or "").split(";"):
        year, _, para = part.strip().partition(":")
        if year.isdigit() and para.strip().lstrip("-").isdigit():
            out.append((int(year), int(para)))
    return list(dict.fromkeys(out))


essay_input = data.load_table("essay_claims")
check_by_id: dict[str, str] = {}
if essay_input.ok and "check" in essay_input.df.columns:
    check_by_id = dict(zip(essay_input.df["claim_id"].astype(str), essay_input.df["check"].astype(str)))
estimates = estimates_from_claims(essay_input.df) if essay_input.ok else ()


def rule_for(row) -> str:
    """The plain-language verdict rule: the row's own, else analysis.claims.CLAIM_RULES by the claim's check."""
    own = str(row.get("rule", "") or "")
    if own:
        return own
    check = str(row.get("check", "") or "") or check_by_id.get(str(row["claim_id"]), "")
    table = rules or {}
    return str(table.get(check) or table.get(str(row["claim_id"])) or "")


kwic = for_country(data.load_table("kwic"), CHINA)
mentions = for_country(data.load_table("mentions"), CHINA)
tiers, _ = data.load_tiers()
check_arg_by_id: dict[str, str] = {}
if essay_input.ok and "check_arg" in essay_input.df.columns:
    check_arg_by_id = dict(zip(essay_input.df["claim_id"].astype(str), essay_input.df["check_arg"].astype(str)))
lexicon, _ = data.load_lexicon()
people = [g.slug for g in getattr(lexicon, "groups", {}).values()
          if getattr(g, "role", "") == "people" and g.slug != "north_korean"] if lexicon is not None else None
explain_tables = claim_text.Tables(
    kwic=kwic.df if kwic.ok else None, mentions=mentions.df if mentions.ok else None, tiers=tiers,
    narratives=narratives.df if narratives.ok else None, labels=labels, quantifiers=cached.quantifier_finder(),
    comparison_groups=people or None,
)

if claims is None:
    st.warning(f"No claims to show: {note}. The essay's claims live in `data/essay/claims.csv`; "
               f"`{data.REFRESH_COMMAND}` checks them against the narratives.", icon=":material/info:")
else:
    if note:
        st.info(f"Verdicts need analysed narratives ({escape_markdown(note)}). Run `{data.REFRESH_COMMAND}` "
                "to fetch and analyse them; until then every claim reads *needs data*.", icon=":material/info:")
    counts = claims["verdict"].value_counts()
    st.caption(" · ".join(f"{v}: {int(counts.get(v, 0))}" for v in VERDICT_COLORS))
    for _, row in claims.iterrows():
        verdict = str(row.get("verdict", "") or "needs data")
        row = row.to_dict()
        if not str(row.get("check", "") or ""):
            row["check"] = check_by_id.get(str(row["claim_id"]), "")
        text = claim_text.explain(row, explain_tables, check_arg_by_id.get(str(row["claim_id"]), ""))
        with st.container(border=True):
            st.badge(verdict, color=VERDICT_COLORS.get(verdict, "gray"), icon=VERDICT_ICONS.get(verdict))
            st.markdown(f"**{escape_markdown(row['claim'])}**")
            if str(row.get("quote", "")):
                st.markdown(f"> “{escape_markdown(row['quote'])}”  \n> — "
                            f"{escape_markdown(row.get('citation', '') or 'no source given')}")
            figure, denom = str(row.get("figure", "") or ""), str(row.get("denominator", "") or "")
            if figure and row["check"] == "ngo_figure":
                st.markdown(f"Figure: **{escape_markdown(figure)}**"
                            + (f" of {escape_markdown(denom)}" if denom else ""))
            st.markdown(f"**What was tested:** {escape_markdown(text.tested)}  \n"
                        f"**What the verdict means:** {escape_markdown(text.meaning)}  \n"
                        f"**Evidence:** {escape_markdown(text.evidence)}")
            links = _links(row.get("links", ""))
            if links:
                with st.container(horizontal=True):
                    for year, para in links[:8]:
                        st.page_link("views/read.py", label=f"{year}, ¶{para + 1}", icon=":material/article:",
                                     query_params={"year": str(year), "para": str(para + 1)})  # ¶ as on screen
                    if len(links) > 8:
                        st.caption(f"and {len(links) - 8} more paragraphs")
            years = sorted({y for y, _ in links})
            srcs = [markdown_link(f"{y} report page", source_by_year[y]) for y in years if y in source_by_year]
            if srcs:
                st.caption("Source: " + ", ".join(srcs))
            rule = rule_for(row)
            with st.expander("How this verdict is decided"):
                st.markdown(escape_markdown(rule) if rule else
                            f"The rule lives in analysis/claims.py ({escape_markdown(rules_note or 'no rule recorded for this claim')}).")
                st.caption("Rule `" + escape_markdown(row["check"] or "?") + "`"
                           + (f", argument `{check_arg_by_id.get(str(row['claim_id']), '')}`"
                              if check_arg_by_id.get(str(row["claim_id"])) else "")
                           + ". Evidence as computed: " + escape_markdown(row.get("evidence", "") or "–"))

st.header("“Some” North Korean women, or 60-80%?")
left, right = st.columns([1, 1])
report_words: str | None = None  # nothing derived from the report is drawn without report text
with left:
    st.subheader("What the report says")
    if kwic.ok and narratives.has_rows:
        women_only = st.toggle("Only sentences about women and girls", value=True, key="women_only")
        tally = derived.quantifier_tally(kwic.df, women_only=women_only)
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
        charts.estimates_chart(estimates, report_words, source=ui.ESSAY_SOURCE + (
            "; " + ui.REPORT_SOURCE if report_words is not None else "")),
        f"{ui.ESSAY_SOURCE} (Korea Future Initiative 2019; Korean NGOs via CNN 2019)"
        + ("; the report's words from kwic.csv." if report_words is not None else
           ". No report text in the data yet, so the report's side is not drawn."),
        key="essay-estimates", title="NGO estimates for North Korean women in China, and what the report says",
    )
