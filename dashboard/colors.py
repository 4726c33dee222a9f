"""One colour per victim group, the same on every page and chart, plus its highlight colour for text.

Text highlighting can only use Streamlit's named markdown colours, so each group also belongs to a
colour family (red, orange, blue, violet, green, gray) whose hue matches its chart colour.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass

# The four groups the essay is about get fixed hues; every foreign nationality is a shade of green.
FIXED: dict[str, tuple[str, str]] = {
    "north_korean": ("#d62728", "red"),
    "north_korea_state": ("#ff7f0e", "orange"),
    "uyghur_xinjiang": ("#1f77b4", "blue"),
    "tibetan": ("#9467bd", "violet"),
}
NATIONALITY_SHADES = (
    "#2ca02c", "#17becf", "#8c564b", "#bcbd22", "#1b9e77", "#66a61e", "#a6761d", "#7f7f7f",
    "#006d2c", "#41ab5d", "#b8860b", "#5f9ea0", "#6b8e23", "#2e8b57", "#8fbc8f", "#556b2f",
)
FALLBACK_LABELS: dict[str, str] = {
    "north_korean": "North Korean people",
    "north_korea_state": "North Korean state / border",
    "uyghur_xinjiang": "Uyghur / Xinjiang",
    "tibetan": "Tibetan",
}
MAIN_GROUPS = ("north_korean", "north_korea_state", "uyghur_xinjiang", "tibetan")

TIER_ORDER = ("Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3")
REFERENCE_MARKER = "circle-open"
SCRAPED_MARKER = "diamond"


@dataclass(frozen=True)
class GroupStyle:
    """How a group is drawn: chart colour (hex), markdown highlight family, label."""

    slug: str
    color: str
    family: str
    label: str


def group_color(slug: str) -> str:
    """The chart colour of a group: fixed for the four main groups, a stable green shade otherwise."""
    if slug in FIXED:
        return FIXED[slug][0]
    return NATIONALITY_SHADES[zlib.crc32(slug.encode("utf-8")) % len(NATIONALITY_SHADES)]


def group_family(slug: str) -> str:
    """The Streamlit markdown colour used to highlight the group in text."""
    return FIXED[slug][1] if slug in FIXED else "green"


# Text highlights of the two North Korean groups must never be confused: North Korean people in
# white on solid red, the North Korean state in dark brown on pale amber (other groups: pale palette).
HIGHLIGHT_CSS: dict[str, tuple[str, str]] = {
    "north_korean": ("#ffffff", "#c62828"),
    "north_korea_state": ("#5d3200", "#ffd27f"),
}


def group_mark(slug: str) -> str:
    """The highlight token for dashboard.textsafe: 'css:FOREGROUND:BACKGROUND' or a palette colour."""
    if slug in HIGHLIGHT_CSS:
        fg, bg = HIGHLIGHT_CSS[slug]
        return f"css:{fg}:{bg}"
    return group_family(slug)


def group_label(slug: str, labels: dict[str, str] | None = None) -> str:
    """A readable label: the lexicon's, else a built-in one, else the slug in title case."""
    if labels and slug in labels:
        return labels[slug]
    return FALLBACK_LABELS.get(slug, slug.replace("_", " ").title())


def group_style(slug: str, labels: dict[str, str] | None = None) -> GroupStyle:
    """All styling of one group."""
    return GroupStyle(slug, group_color(slug), group_family(slug), group_label(slug, labels))


def color_map(slugs, labels: dict[str, str] | None = None) -> dict[str, str]:
    """label -> colour for the given groups (for plotly's color_discrete_map)."""
    return {group_label(s, labels): group_color(s) for s in slugs}


def order_groups(slugs) -> list[str]:
    """Main groups first in their fixed order, then the others alphabetically."""
    slugs = list(dict.fromkeys(slugs))
    main = [s for s in MAIN_GROUPS if s in slugs]
    return main + sorted(s for s in slugs if s not in MAIN_GROUPS)
