"""The Overview's 'Fetch the report text now' panel: runs the CLI's refresh with a progress bar per
year, reports failures in plain words, then reruns so every page shows the new table set."""
from __future__ import annotations

import os

import streamlit as st

from dashboard import fetching
from dashboard.data import REFRESH_COMMAND, data_dir
from scrapers.errors import ScraperError
from scrapers.web.config import FetchConfig
from scrapers.store.lock import RunLocked
from scrapers.refresh import refresh

BUTTON = "Fetch the report text now"
SUMMARY_KEY = "fetch_summary"


def _setting() -> str | None:
    value = os.environ.get(fetching.ALLOW_VAR)
    if value is None:
        try:
            value = st.secrets.get(fetching.ALLOW_VAR)  # Streamlit Community Cloud: app secrets
        except Exception:  # noqa: BLE001 - no secrets file is the normal local case
            value = None
    return None if value is None else str(value)


def permission() -> fetching.Permission:
    """May this visitor start a fetch? The operator's setting, else the connection's peer address
    (st.context.ip_address: None for a browser on this machine), never the Host header."""
    try:
        peer, headers = st.context.ip_address, dict(st.context.headers)
    except Exception:  # noqa: BLE001 - no request context (bare script): nobody to ask
        peer, headers = None, {}
    if peer is not None and not isinstance(peer, str):  # no browser connection (a test harness)
        peer = None
    return fetching.fetch_permission(_setting(), peer=peer, via_proxy=fetching.forwarded(headers))


def _run() -> None:
    mirror, delay = fetching.fetch_settings(os.environ)
    bar = st.progress(0.0, text="Starting…")
    log = st.empty()

    def update(done: int, total: int, line: str) -> None:
        bar.progress(min(1.0, done / total) if total else 0.0, text=f"{done} of {total} years · {line}" if total else line)
        log.caption(line)

    progress = fetching.RecordingProgress(on_update=update)
    try:
        config = FetchConfig(mirror=mirror, delay=delay)
        refresh(data_dir(), country="china", years=None, fetch_config=config, progress=progress)
    except RunLocked:
        st.session_state[SUMMARY_KEY] = ("error", fetching.run_locked_message(), [])
    except ScraperError as exc:
        st.session_state[SUMMARY_KEY] = ("error", f"The fetch stopped: {fetching.plain_reason('', str(exc))}",
                                         progress.lines)
    except ValueError as exc:  # a bad TIPDASH_MIRROR
        st.session_state[SUMMARY_KEY] = ("error", f"The fetch could not start: {exc}", [])
    else:
        kind = "warning" if progress.failures else "success"
        st.session_state[SUMMARY_KEY] = (kind, progress.summary(), progress.failures)
    st.rerun()


def fetch_panel(has_text: bool) -> None:
    """The panel: the button (or why there is none), and the last run's summary."""
    done = st.session_state.pop(SUMMARY_KEY, None)
    if done is not None:
        kind, text, lines = done
        getattr(st, kind)(text)
        if lines:
            with st.expander(f"Years that failed ({len(lines)})" if kind != "error" else "What happened"):
                st.markdown("\n".join(f"- {line}" for line in lines))
    allowed = permission()
    label = BUTTON if not has_text else "Fetch missing years and new reports now"
    with st.container(border=not has_text):
        if not allowed.allowed:
            st.caption(f"{allowed.reason} To fetch on your own machine: `{REFRESH_COMMAND}`.")
            return
        st.markdown(
            ("**No report text yet.** " if not has_text else "")
            + "Fetch the China narratives from state.gov: the same refresh as "
            f"`{REFRESH_COMMAND}` (same cache and lock; about one request a second; cached years are not "
            "fetched again). The pages update when it ends."
        )
        if st.button(label, key="fetch-now", type="primary" if not has_text else "secondary", icon=":material/download:"):
            _run()
