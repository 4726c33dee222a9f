"""Widget state <-> URL query parameters: the dashboard's one URL-state module.

Streamlit's `bind="query-params"` stores a widget's *displayed* label in the URL; the URL should hold
stable slugs (`?groups=north_korean&measure=per_1000_words`) that survive a change of labels in the
lexicon. These helpers seed the widget's session state from the URL before it is drawn and write the
value back after. `key` is the widget's session key; `url` the query parameter when it differs (the
World and Compare pages keep page-local widget keys such as `world_year` behind `?year=`).

An empty multiselect whose default is not empty is kept in the URL as an empty value
(`?countries=`), so that a link to it opens the empty choice rather than the default.
"""
from __future__ import annotations

from typing import Sequence

import streamlit as st

_WRITTEN = "_permalink_written"  # session_state: key -> every URL value this session wrote for it


def _token(values) -> tuple[str, ...] | None:
    values = tuple(str(v) for v in values)
    return values or None


def _written(key: str) -> set:
    return st.session_state.setdefault(_WRITTEN, {}).setdefault(key, set())


def url_changed_outside(key: str) -> bool:
    """True when the URL's value for `key` is one this session never wrote: the reader opened or
    pasted a permalink (a reload may keep the session), so the URL wins over the widget's state.
    A URL value this session wrote itself (even an older one, arriving late after rapid changes)
    never overrides what is on screen."""
    written = _written(key)
    return bool(written) and _token(st.query_params.get_all(key)) not in written


def _keep_state(key: str, url: str | None = None) -> bool:
    """Whether the widget keeps its session state this run (it has one and the URL did not change outside)."""
    return key in st.session_state and not url_changed_outside(url or key)


def url_values(key: str) -> list[str]:
    """All values of a query parameter; a single comma-separated value is split too."""
    out: list[str] = []
    for raw in st.query_params.get_all(key):
        out.extend(v.strip() for v in raw.split(",") if v.strip())
    return out


def seed_multi(key: str, options: Sequence[str], default: Sequence[str], *, url: str | None = None) -> None:
    """Before a multiselect is drawn: its value from the URL (valid options only; `?key=` alone is the
    empty choice), else the default."""
    url = url or key
    if _keep_state(key, url):
        st.session_state[key] = [v for v in st.session_state[key] if v in options]
        return
    raw = st.query_params.get_all(url)
    if raw and not url_values(url):
        st.session_state[key] = []
        return
    wanted = [v for v in dict.fromkeys(url_values(url)) if v in options]
    st.session_state[key] = wanted if wanted else [v for v in default if v in options]


def seed_single(key: str, options: Sequence, default, *, url: str | None = None) -> None:
    """Before a radio/selectbox/select_slider is drawn: the URL's value if it is an option (options
    may be numbers: compared as text), else the default."""
    url = url or key
    if _keep_state(key, url) and st.session_state[key] in options:
        return
    by_text = {str(o): o for o in options}
    wanted = [by_text[v] for v in url_values(url) if v in by_text]
    st.session_state[key] = wanted[0] if wanted else default


def write_url(key: str, value, default) -> None:
    """After the widget: put its value in the URL under query parameter `key`, or remove the
    parameter when it equals the default (an empty list with a non-empty default is `?key=`)."""
    many = isinstance(value, (list, tuple))
    values = [str(v) for v in value] if many else [str(value)]
    same = values == ([str(v) for v in default] if isinstance(default, (list, tuple)) else [str(default)])
    if same:
        _written(key).add(None)
        if key in st.query_params:
            del st.query_params[key]
        return
    if many and not values:
        values = [""]
    _written(key).add(_token(values))
    if st.query_params.get_all(key) != values:
        st.query_params[key] = values if many else values[0]


def seed_range(key: str, lo: int, hi: int) -> None:
    """Before a range slider is drawn: (a, b) from the URL (`?years=2013&years=2021`, clipped to
    lo..hi), else the whole range."""
    if _keep_state(key):
        a, b = st.session_state[key]
        a, b = max(lo, min(int(a), hi)), max(lo, min(int(b), hi))
        st.session_state[key] = (min(a, b), max(a, b))
        return
    wanted = [int(v) for v in url_values(key) if v.lstrip("-").isdigit()][:2]
    if len(wanted) == 2:
        a, b = sorted(max(lo, min(v, hi)) for v in wanted)
        st.session_state[key] = (a, b)
    else:
        st.session_state[key] = (lo, hi)


def initial_text(key: str, default: str = "") -> dict:
    """Keyword arguments for a text input bound to the URL: {'value': URL value} when the URL sets it
    (first run, or a permalink opened in a kept session; the widget's old state is dropped so the
    page shows the URL's value), else {} (the widget keeps what the reader typed)."""
    if _keep_state(key):
        return {}
    st.session_state.pop(key, None)
    values = st.query_params.get_all(key)
    return {"value": values[0] if values else default}


def initial_flag(key: str) -> dict:
    """Like initial_text for a checkbox: {'value': True/False from the URL} or {}."""
    if _keep_state(key):
        return {}
    st.session_state.pop(key, None)
    values = st.query_params.get_all(key)
    return {"value": bool(values) and values[0].strip().lower() in ("true", "1", "yes", "on")}
