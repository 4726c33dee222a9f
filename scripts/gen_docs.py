"""Write the generated parts of docs/: the data dictionary (docs/data.md, from analysis/schema.py)
and each claim's rule (docs/method.md, from analysis/claim_checks.py and data/essay/claims.csv).

    python scripts/gen_docs.py          # rewrite the generated blocks
    python scripts/gen_docs.py --check  # exit 1 and name the files whose blocks are stale

The text comes from the pure functions of analysis/docs.py; this script only reads the inputs and
writes the files (tests/test_docs.py keeps them equal).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.docs import claim_rules_markdown, dictionary_markdown, fill_block  # noqa: E402
from analysis.lexicon import parse_lexicon  # noqa: E402


def generated() -> dict[Path, dict[str, str]]:
    """{file: {block name: body}} for every generated block of docs/."""
    lexicon = parse_lexicon((ROOT / "data" / "lexicon.toml").read_text(encoding="utf-8"))
    claims = pd.read_csv(ROOT / "data" / "essay" / "claims.csv", dtype=str, keep_default_na=False)
    return {
        ROOT / "docs" / "data.md": {"data-dictionary": dictionary_markdown()},
        ROOT / "docs" / "method.md": {"claim-rules": claim_rules_markdown(claims, lexicon)},
    }


def render() -> dict[Path, tuple[str, str]]:
    """{file: (text on disk, text with fresh blocks)}."""
    out = {}
    for path, blocks in generated().items():
        text = path.read_text(encoding="utf-8")
        fresh = text
        for name, body in blocks.items():
            fresh = fill_block(fresh, name, body)
        out[path] = (text, fresh)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether the generated blocks are current")
    args = parser.parse_args(argv)
    try:
        files = render()
    except (OSError, ValueError) as exc:
        print(f"gen_docs: {exc}", file=sys.stderr)
        return 2
    stale = [p for p, (old, new) in files.items() if old != new]
    if args.check:
        for p in stale:
            print(f"stale: {p.relative_to(ROOT)} (run python scripts/gen_docs.py)")
        return 1 if stale else 0
    for p in stale:
        p.write_text(files[p][1], encoding="utf-8")
        print(f"wrote {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
