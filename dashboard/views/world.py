"""World: where the whole report names North Korean people, narrative by narrative, for a chosen
report year (map, table, the sentences), and how many narratives name them each year."""
from __future__ import annotations

import streamlit as st

from analysis.schema import MEASURES, PER_1000_WORDS, SENTENCES
from dashboard import data, ui
from dashboard import world as W
from dashboard import world_charts as WC
from dashboard.cached import figure, load_world, once
from dashboard.permalink import seed_single, write_url
from dashboard.textsafe import escape_markdown

SOURCE = "U.S. Department of State, Trafficking in Persons Report, country narratives; counts by tip-china-dashboard"
MAP_SOURCE = "U.S. State Department, TIP Report narratives; counts: tip-china-dashboard"
MEASURE_LABELS = dict(zip(MEASURES, ("Sentences", "Per 1,000 words", "Share of sentences")))

def waiting_for_sentences(load) -> None:
    """Say the sentences are being read (or why they cannot be), and rerun the page once they are."""
    if load.sentences_problem:
        st.error(f"{load.sentences_problem}. Rebuild it with `{data.PARSE_COMMAND}` (offline, from the raw "
                 f"cache) or `{data.REFRESH_COMMAND}`.", icon=":material/error:")
        return
    st.caption("Reading the sentences of every narrative (once per data version, a few seconds)…")

    @st.fragment(run_every=0.5)
    def _poll() -> None:
        if load.future is not None and load.future.done():
            st.rerun(scope="app")

    _poll()


st.title("The whole report: where it names North Korean people")
ui.page_banner(world=True)
loaded = load_world()
world = loaded.world
for problem in loaded.problems:
    ui.show_problem(problem)
synthetic = loaded.synthetic
st.markdown(
    "Each country's narrative in each report year, counted with the same lexicon as China's: how many "
    "sentences name **North Korean people** (victims, workers, refugees; not the North Korean state). "
    "The baseline for China: how the same report speaks of North Koreans elsewhere."
)

if not world.report_years:
    st.info(
        "No narrative has been read yet, so there is nothing to map. Read every country's narrative "
        f"with `{W.REFRESH_ALL}` (needs internet, about one request a second; it resumes where it stopped), "
        "or a few with `python -m scrapers refresh --countries china,north-korea,russia`. The tier panel "
        "of every country is on the Compare page meanwhile.", icon=":material/public:")
    st.stop()

if world.only_china:
    st.info(
        f"Only China's narrative has been read so far ({ui.year_ranges(world.report_years)}), so the map "
        "shows one country and every count below is China's. Read every country's narrative with "
        f"`{W.REFRESH_ALL}`, or a few with `python -m scrapers refresh --countries china,north-korea,russia,mongolia`.",
        icon=":material/public:")

years = list(world.report_years)
seed_single("world_year", years, years[-1], url="year")
seed_single("world_measure", list(MEASURE_LABELS), SENTENCES, url="measure")
c1, c2 = st.columns([3, 2])
with c1:
    if len(years) > 1:
        year = st.select_slider("Report year", options=years, key="world_year",
                                help="Only report years with at least one narrative read are offered.")
    else:
        year = years[0]
        st.session_state["world_year"] = year
        st.caption(f"One report year in the data: {year}.")
with c2:
    measure = st.radio("Shade the map by", list(MEASURE_LABELS), format_func=MEASURE_LABELS.get, horizontal=True,
                       key="world_measure")
write_url("year", year, years[-1])
write_url("measure", measure, SENTENCES)

sentences_all = loaded.sentences  # None while the background read of kwic runs (once per data version)
kinds = once("world-kinds", loaded.key, (), lambda: W.kinds_by_narrative(sentences_all)) \
    if sentences_all is not None else None
rows = W.with_kinds(W.year_rows(world, year), kinds)
naming = rows[rows[SENTENCES] > 0]
read_n, naming_n = len(rows), len(naming)
st.markdown(f"**{year}:** {naming_n} of {read_n} narrative{'s' if read_n != 1 else ''} {'read name' if read_n != 1 else 'read names'} North Korean people "
            f"in {int(naming[SENTENCES].sum())} sentence{'s' if naming[SENTENCES].sum() != 1 else ''}.")

left, right = st.columns([5, 6], gap="medium")
with left:
    st.html(WC.NO_CDN_SCRIPT, unsafe_allow_javascript=True)  # our own script, no data: the map needs no CDN
    ui.show_chart(
        figure("world-map", loaded.key, (year, measure, kinds is not None, data.shapes_url()),
               lambda: WC.world_map(rows, year, measure, source=MAP_SOURCE, shapes=data.country_shapes(),
                                    shapes_url=data.shapes_url())),
        f"{SOURCE} (mentions.csv, kwic.csv); codes from the country registry; country shapes: Natural Earth "
        "(public domain), shipped with the dashboard. Shaded: narratives naming North Korean people; pale "
        "blue: read, none named; light grey: not read.",
        key="world-map", synthetic=synthetic)
    hidden = W.undrawable(rows)
    if hidden:
        st.caption("Not on the map (no ISO 3166-1 shape the map can draw), listed in the table: "
                   + escape_markdown(", ".join(hidden)) + ".")
with right:
    st.markdown("**Narratives naming North Korean people**")
    if naming_n:
        table = naming[["name", SENTENCES, PER_1000_WORDS, "tier", "kinds"]].rename(columns={
            "name": "country", PER_1000_WORDS: "per 1,000 words"}).assign(
            read=[W.read_link(c, year) for c in naming["country"].tolist()])
        st.dataframe(table, hide_index=True, width="stretch", height=min(38 + 35 * len(table), 420),
                     column_config={
                         "country": st.column_config.TextColumn(),
                         "tier": st.column_config.TextColumn(),
                         SENTENCES: st.column_config.NumberColumn(format="%d", width="small",
                                                                    help="Sentences naming North Korean people"),
                         "per 1,000 words": st.column_config.NumberColumn(format="%.2f", width="small"),
                         "kinds": st.column_config.TextColumn(width="large", help="North Korean victims by kind: "
                                                              "how many of the sentences name each kind"),
                         "read": st.column_config.LinkColumn("narrative", display_text="read",
                                                             help="The narrative on the Read page, mentions highlighted"),
                     })
        st.caption("Choose a country under **The sentences** to read them; the table lists every "
                   "narrative of the year that names North Korean people, the map shades them.")
    else:
        st.caption(f"No narrative read for {year} names North Korean people.")

st.subheader("The sentences", anchor=False)
options = naming["country"].tolist()
if options:
    seed_single("world_country", options, options[0], url="country")
    country = st.selectbox("Show the sentences of", options, key="world_country",
                           format_func=lambda s: W.country_info(s).name)
    write_url("country", country, options[0])
    if sentences_all is None:
        waiting_for_sentences(loaded)
    else:
        sentences = once("world-sentences", loaded.key, (country, year), lambda: W.nk_sentences(sentences_all, country, year))
        st.caption(f"{W.country_info(country).name}, {year} report: {len(sentences)} sentence"
                   f"{'s' if len(sentences) != 1 else ''} naming North Korean people, in printed order.")
        st.dataframe(
            ui.http_links(sentences[["section", "paragraph_index", "kinds", "sentence", "source_url"]], "source_url")
            .assign(context=[W.read_link(country, year, p) for p in sentences["paragraph_index"].tolist()],
                    paragraph_index=lambda d: d["paragraph_index"] + 1,
                    kinds=lambda d: d["kinds"].map(W.kinds_words)),
            hide_index=True, width="stretch", row_height=ui.WRAP_ROW_HEIGHT,
            column_config={
                "paragraph_index": st.column_config.NumberColumn("paragraph", help="Paragraph number in the narrative (from 1)."),
                "kinds": st.column_config.TextColumn("kinds", width="small"),
                "sentence": st.column_config.TextColumn("sentence", width="large"),
                "source_url": st.column_config.LinkColumn("source", display_text="page"),
                "context": st.column_config.LinkColumn("in context", display_text="read",
                                                       help="The paragraph on the Read page"),
            })
else:
    if "country" in st.query_params:
        del st.query_params["country"]
    st.caption("No sentences to show for this year.")

st.subheader("How many narratives name North Korean people, year by year", anchor=False)
ui.show_chart(figure("world-naming", loaded.key, (), lambda: WC.naming_chart(W.naming_by_year(world), source=SOURCE)),
              f"{SOURCE} (mentions.csv). Every report year from the first to the last read is on the axis; "
              "a grey band is a year with no narrative read (no bar, not a zero). The dash marks how many "
              "narratives were read that year.", key="world-naming", synthetic=synthetic)
