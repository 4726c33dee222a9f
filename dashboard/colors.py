"""One colour per victim group, the same on every page, chart and text highlight.

The four groups the essay is about get fixed, strong hues; every foreign nationality a stable shade.
A text highlight is the group's own colour as background, with white or near-black text, whichever
reads better on it (`group_mark`), so Uyghur and Tibetan highlights are as strong as the North Korean ones.
Labels come from the lexicon (analysis.lexicon, data/lexicon.toml), never spelled here.
"""
from __future__ import annotations

import zlib

FIXED: dict[str, str] = {
    "north_korean": "#c62828",
    "north_korea_state": "#ef7d00",
    "uyghur_xinjiang": "#1565c0",
    "tibetan": "#6a3d9a",
}
NATIONALITY_SHADES = (
    "#2e7d32", "#00838f", "#8c564b", "#9e9d24", "#1b9e77", "#558b2f", "#a6761d", "#616161",
    "#006d2c", "#2f855a", "#b8860b", "#3d7f8c", "#6b8e23", "#2e8b57", "#4e7d4e", "#556b2f",
)
MAIN_GROUPS = ("north_korean", "north_korea_state", "uyghur_xinjiang", "tibetan")

REFERENCE_MARKER = "circle-open"
SCRAPED_MARKER = "diamond"


def group_color(slug: str) -> str:
    """The colour of a group: fixed for the four main groups, a stable shade otherwise."""
    if slug in FIXED:
        return FIXED[slug]
    return NATIONALITY_SHADES[zlib.crc32(slug.encode("utf-8")) % len(NATIONALITY_SHADES)]


def _luminance(hex_color: str) -> float:
    """WCAG relative luminance of '#rrggbb'."""
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def text_on(hex_color: str) -> str:
    """White or near-black, whichever contrasts more with the background colour."""
    lum = _luminance(hex_color)
    return "#ffffff" if (1.05 / (lum + 0.05)) >= ((lum + 0.05) / (_luminance("#1a1a1a") + 0.05)) else "#1a1a1a"


def group_mark(slug: str) -> str:
    """The highlight token for dashboard.textsafe: 'css:FOREGROUND:BACKGROUND' in the group's colour."""
    bg = group_color(slug)
    return f"css:{text_on(bg)}:{bg}"


def group_label(slug: str, labels: dict[str, str] | None = None) -> str:
    """The lexicon's label of a group (`labels`: dashboard.data.group_labels()); the slug in words
    only when the lexicon has none."""
    if labels and slug in labels:
        return labels[slug]
    return slug.replace("_", " ")


def order_groups(slugs) -> list[str]:
    """Main groups first in their fixed order, then the others alphabetically."""
    slugs = list(dict.fromkeys(slugs))
    main = [s for s in MAIN_GROUPS if s in slugs]
    return main + sorted(s for s in slugs if s not in MAIN_GROUPS)
