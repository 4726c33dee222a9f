"""The synthetic fixture site on disk is exactly what tests/fixtures/make_site.py generates."""
from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

from site_server import SITE_ROOT

GENERATOR = Path(__file__).resolve().parents[1] / "fixtures" / "make_site.py"


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def test_fixture_site_matches_its_generator(tmp_path):
    out = tmp_path / "site"
    subprocess.run([sys.executable, str(GENERATOR), str(out)], check=True, capture_output=True)
    assert _files(out) == _files(SITE_ROOT)
    changed = [name for name in sorted(_files(out)) if not filecmp.cmp(out / name, SITE_ROOT / name, shallow=False)]
    assert changed == [], f"edit tests/fixtures/make_site.py, not the HTML, then regenerate: {changed}"
    for name in _files(out):
        assert (out / name).read_text(encoding="utf-8").startswith("<!-- SYNTHETIC TEST FIXTURE - not report text -->")
