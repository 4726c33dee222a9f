"""RealPaths (scrapers.store.paths) gives Path.resolve's answer for manifest paths, each directory
resolved once: plain files, files and folders that are symlinks (in or out of the root), missing
files, and paths with '..', '.' or a leading '/'."""
from __future__ import annotations

import os
from pathlib import Path

from scrapers.store.paths import RealPaths


def _expected(root: Path, rel: str) -> str | None:
    real_root = root.resolve()
    candidate = (real_root / rel).resolve()
    return str(candidate) if candidate.is_relative_to(real_root) and candidate != real_root else None


def test_real_paths_agree_with_path_resolve(tmp_path):
    root = tmp_path / "raw"
    (root / "pages" / "host" / "a").mkdir(parents=True)
    (root / "pages" / "host" / "a" / "page.htm").write_text("x")
    outside = tmp_path / "elsewhere"
    (outside / "deep").mkdir(parents=True)
    (outside / "deep" / "page.htm").write_text("y")
    os.symlink(outside / "deep", root / "pages" / "host" / "out")  # a folder leading out of raw/
    os.symlink(root / "pages" / "host" / "a", root / "pages" / "host" / "in")  # a folder staying inside
    os.symlink(outside / "deep" / "page.htm", root / "pages" / "host" / "a" / "link.htm")  # a file leading out
    os.symlink("page.htm", root / "pages" / "host" / "a" / "same.htm")  # a relative link inside
    rels = ["pages/host/a/page.htm", "pages/host/out/page.htm", "pages/host/in/page.htm",
            "pages/host/a/link.htm", "pages/host/a/same.htm", "pages/host/a/missing.htm", "pages/nothing/x.htm",
            "pages/../../elsewhere/deep/page.htm", "pages/host/out/../a/page.htm", "./pages/host/a/page.htm",
            "/etc/hostname", "pages//host/a/page.htm", "pages/host/a/"]
    real = RealPaths(root)
    for _ in range(2):  # the second pass answers from the folders remembered
        for rel in rels:
            assert real.inside(rel) == _expected(root, rel), rel
    assert real.inside("pages/host/out/page.htm") is None and real.inside("pages/host/in/page.htm") is not None
