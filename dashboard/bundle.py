"""The all-in-one download: every CSV of the data directory plus a README, as one zip.

The README's file descriptions are the data dictionary of analysis.schema, rendered by
analysis.docs.table_text (the same text docs/data.md holds)."""
from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

from analysis.docs import table_text
from dashboard.ngo_estimates import ESSAY_CITATION, ESSAY_URL
from dashboard.tables import TableSpec

LICENCE = (
    "The Trafficking in Persons Report is a work of the United States Government (U.S. Department of "
    "State) and is in the public domain in the United States (17 U.S.C. 105). The derived tables here "
    "(counts, positions, verdicts) may be reused freely; please cite them as below. The reference "
    "tier table cites a public secondary source for each row; the essay quotes remain the author's."
)


def readme_text(present: list[tuple[TableSpec, int]], version: str, today: date | None = None) -> str:
    """The README of the zip: what each file is, its columns, sources, how to cite, licence.

    `version` names the data version (table set generation and date), never a server path."""
    today = today or date.today()
    lines = [
        "tip-china-dashboard data bundle",
        "=" * 31,
        "",
        "China narratives of the U.S. State Department's Trafficking in Persons (TIP) Report, one",
        "row per fact, with counts of the sentences naming North Korean victims and other groups.",
        f"Exported {today.isoformat()}; data version: {version}.",
        "",
        "Files",
        "-----",
    ]
    for spec, rows in present:
        lines += [table_text(spec.schema, rows), ""]
    lines += [
        "Sources",
        "-------",
        "- Report text: U.S. Department of State, Trafficking in Persons Report, China country narrative,",
        "  each report year; the page of each year is in narratives.csv (source_url, fetched_at, sha256).",
        "- Reference tiers: reference/china_tiers.csv, one public secondary source per year (source_url).",
        f"- Essay: {ESSAY_CITATION}, {ESSAY_URL}",
        "- NGO estimates (as quoted in the essay): Korea Future Initiative (Yoon 2019), Choe (2019, NYT),",
        "  Zaugg (2019, CNN), Enos & Kim (2019, Providence).",
        "",
        "How to cite",
        "-----------",
        f"tip-china-dashboard, data export of {today.isoformat()}: mentions of North Korean victims in the",
        "China narratives of the U.S. State Department Trafficking in Persons Report, 2001 onwards.",
        "Cite the report itself as: U.S. Department of State, Trafficking in Persons Report (YEAR), China.",
        "",
        "Licence",
        "-------",
        LICENCE,
        "",
    ]
    return "\n".join(lines)


def build_zip(version: str, files: list[tuple[TableSpec, Path, int]], extra: list[Path] = ()) -> bytes:
    """Zip the given table files (stored under their relpath) and extra files, plus README.txt."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for spec, path, _ in files:
            zf.write(path, arcname=spec.relpath)
        for path in extra:
            zf.write(path, arcname=path.name)
        zf.writestr("README.txt", readme_text([(s, n) for s, _, n in files], version))
    return buf.getvalue()

