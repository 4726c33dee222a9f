"""Long lists are bounded on screen (a count and the first few) and kept whole in a file under
raw/lists/: 20,000 unknown link texts on a SYNTHETIC table of contents, and many failed years."""
from __future__ import annotations

import io
from pathlib import Path

from analysis.schema import PARSE_FAILED
from scrapers.uptodate import BuildResult
from scrapers.cli import _print_build_report
from scrapers.countries import resolve
from scrapers.errors import PageNotFound
from scrapers.read import YearParse
from scrapers.refresh import unknown_links_note
from scrapers.store.lists import SHOWN, SHOWN_LINES, bounded, list_file
from scrapers.web.discover import list_countries

LANDING = "https://www.state.gov/reports/2021-trafficking-in-persons-report/"
UNKNOWN = 20_000


def _toc(count: int) -> str:
    links = "".join(f'<li><a href="{LANDING}atlantis-{i}/">Atlantis {i}</a></li>' for i in range(count))
    return f'<html><body><ul><li><a href="{LANDING}china/">China</a></li>{links}</ul></body></html>'


def test_twenty_thousand_unknown_link_texts_make_one_short_line_and_a_whole_file(tmp_path):
    pages = {LANDING: _toc(UNKNOWN)}

    def fetch(url: str) -> str:
        if url not in pages:
            raise PageNotFound(url)
        return pages[url]

    listing = list_countries(2021, fetch, resolve)
    assert listing.links == {"china": f"{LANDING}china/"} and len(listing.unknown) == UNKNOWN
    raw = tmp_path / "raw"
    note = unknown_links_note(2021, listing.unknown, raw)
    assert len(note) < 600, note
    assert note.startswith(f"2021: {UNKNOWN} link text(s) no registry entry knows")
    assert "Atlantis 0; Atlantis 1; Atlantis 2; Atlantis 3; Atlantis 4 ... and 19995 more" in note
    kept = list_file(raw, "unknown-link-texts-2021")
    assert str(kept) in note
    assert kept.read_text(encoding="utf-8").splitlines() == list(listing.unknown)


def test_a_short_list_is_said_whole_and_writes_no_file(tmp_path):
    assert bounded(["Atlantis", "Lemuria"], tmp_path, "few") == "Atlantis; Lemuria"
    assert not (tmp_path / "lists").exists()
    many = bounded([str(i) for i in range(SHOWN + 1)], tmp_path, "many")
    assert many == f"0; 1; 2; 3; 4 ... and 1 more; all 6 in {list_file(tmp_path, 'many')}"


def test_many_failed_years_are_summarised_with_the_whole_list_in_raw(tmp_path):
    pages = {f"country-{i}": {2021: YearParse(2021, PARSE_FAILED, f"no narrative found ({i})")} for i in range(5_000)}
    result = BuildResult(countries=tuple(pages), data_dir=tmp_path, pages=pages, tables=None, rebuilt=False)
    out = io.StringIO()
    _print_build_report(result, out)
    lines = out.getvalue().splitlines()
    failed = [line for line in lines if line.startswith("PARSE FAILED")]
    assert len(failed) == SHOWN_LINES
    kept = list_file(Path(tmp_path) / "raw", "parse-failures")
    assert f"... and {5_000 - SHOWN_LINES} more; all 5000 in {kept}" in lines
    assert len(kept.read_text(encoding="utf-8").splitlines()) == 5_000
