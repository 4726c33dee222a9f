"""README and docs/: short enough to read, every link resolves, the two commands named exactly, and
the generated parts (column tables, claim rules) equal to what the code generates now."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from scripts import gen_docs

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
START = "pip install -r requirements.txt && streamlit run dashboard/app.py"
TEST = "pip install -r requirements-dev.txt && python -m pytest -q"
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _anchor(heading: str) -> str:
    """GitHub's anchor of a Markdown heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_readme_is_short_and_names_the_two_commands():
    text = README.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) <= 12 * 1024, "README at most 12 KB: reference material goes to docs/"
    blocks = re.findall(r"```bash\n(.*?)\n```", text, re.DOTALL)
    assert START in blocks and TEST in blocks, "the start and test commands, each as its own block"


@pytest.mark.parametrize("doc", [README, *DOCS], ids=lambda p: p.name)
def test_every_relative_link_resolves(doc):
    for target in LINK.findall(doc.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+://|mailto:", target):
            continue
        path, _, anchor = target.partition("#")
        file = (doc.parent / path).resolve() if path else doc
        assert file.exists(), f"{doc.name}: link {target} leads nowhere"
        if anchor and file.suffix == ".md":
            headings = re.findall(r"^#+ (.+)$", file.read_text(encoding="utf-8"), re.MULTILINE)
            assert anchor in {_anchor(h) for h in headings}, f"{doc.name}: no heading #{anchor} in {file.name}"


def test_the_readme_and_docs_link_every_doc():
    text = README.read_text(encoding="utf-8")
    assert {p.name for p in DOCS} == {"cli.md", "data.md", "method.md", "deploy.md", "benchmarks.md", "development.md"}
    for doc in DOCS:
        assert f"(docs/{doc.name})" in text, doc.name


def test_the_generated_parts_of_docs_are_current():
    stale = [str(p.relative_to(ROOT)) for p, (old, new) in gen_docs.render().items() if old != new]
    assert not stale, f"run python scripts/gen_docs.py: {stale}"


def test_a_changed_schema_shows_up_as_stale_docs(monkeypatch):
    """The check compares with the schema as it is now (it can fail)."""
    from analysis import schema

    changed = dict(schema.TABLES["coverage"].about, detail="something else")
    monkeypatch.setitem(schema.TABLES, "coverage", schema.TABLES["coverage"].__class__(
        **{**schema.TABLES["coverage"].__dict__, "about": changed}))
    assert any(old != new for old, new in gen_docs.render().values())
