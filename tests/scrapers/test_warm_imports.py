"""A run with nothing to rebuild never loads pandas, numpy or pyarrow (they cost more than the rest of
such a run): neither `import scrapers.cli` nor a warm `parse` imports them; a parse that has to
rebuild does. Each run is a fresh interpreter (this test process has pandas loaded already). Pages
are the SYNTHETIC fixture site's."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ("pandas", "numpy", "pyarrow")
ROOT = Path(__file__).resolve().parents[2]


def _run(code: str) -> dict:
    """Run `code` in a fresh interpreter; it prints a JSON object as its last line."""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _parse_and_report(data_dir: Path) -> str:
    return ("import io, json, sys\nfrom scrapers.cli import main\nout = io.StringIO()\n"
            f"code = main(['parse', '--data-dir', {str(data_dir)!r}], out=out, err=out)\n"
            f"print(json.dumps({{'code': code, 'out': out.getvalue(), 'heavy': [m for m in {HEAVY!r} if m in sys.modules]}}))")


def test_importing_the_command_line_loads_no_pandas_numpy_or_pyarrow():
    found = _run(f"import json, sys\nimport scrapers.cli\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    assert found == []


def test_a_warm_parse_loads_no_pandas_and_a_rebuild_does(site_server, data_dir, cli):
    run = cli("refresh", "--data-dir", data_dir, "--mirror", site_server.base_url, "--delay", "0", "--years", "2013,2021")
    assert run.code == 0, run.output
    warm = _run(_parse_and_report(data_dir))
    assert warm["code"] == 0 and "tables unchanged" in warm["out"], warm["out"]
    assert warm["heavy"] == []
    for where in sorted((data_dir / "tables").glob("g*")) + [data_dir / "tables"]:
        (where / "kwic.csv").unlink()  # a damaged set: the parse must rebuild it
    rebuilt = _run(_parse_and_report(data_dir))
    assert rebuilt["code"] == 0 and "tables written" in rebuilt["out"], rebuilt["out"]
    assert {"pandas", "pyarrow"} <= set(rebuilt["heavy"])
