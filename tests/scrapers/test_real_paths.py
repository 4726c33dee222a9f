"""How the raw cache checks its pages' paths cheaply (scrapers.store.paths): stays_inside says, from a
manifest path's text, whether it names a file under raw/ (what Path.resolve says when no symlink is
involved); RealPaths.regular_file gives a regular file's lstat only when its folder resolves inside
raw/ (folders symlinked out of raw/, files that are symlinks and missing files are refused), each
folder resolved once."""
from __future__ import annotations

import os
from pathlib import Path

from scrapers.store.paths import RealPaths, stays_inside


def _resolves_inside(root: Path, rel: str) -> bool:
    real_root = root.resolve()
    candidate = (real_root / rel).resolve()
    return candidate.is_relative_to(real_root) and candidate != real_root


def test_stays_inside_agrees_with_path_resolve_without_symlinks(tmp_path):
    root = tmp_path / "raw"
    (root / "pages" / "host").mkdir(parents=True)
    for rel in ["pages/host/a.htm", "pages/../../etc/hostname", "../../../etc/hostname", "/etc/hostname",
                "pages/../pages/host/a.htm", "pages/..", ".", "", "./pages/x.htm", "pages//x.htm", "a/b/../../.."]:
        assert stays_inside(rel) == _resolves_inside(root, rel), rel


def test_regular_file_refuses_symlinks_missing_files_and_folders_leading_out(tmp_path):
    root = tmp_path / "raw"
    (root / "pages" / "host" / "a").mkdir(parents=True)
    (root / "pages" / "host" / "a" / "page.htm").write_text("x")
    (root / "top.htm").write_text("t")
    outside = tmp_path / "elsewhere"
    (outside / "deep").mkdir(parents=True)
    (outside / "deep" / "page.htm").write_text("y")
    os.symlink(outside / "deep", root / "pages" / "host" / "out")  # a folder leading out of raw/
    os.symlink(root / "pages" / "host" / "a", root / "pages" / "host" / "in")  # a folder staying inside
    os.symlink("page.htm", root / "pages" / "host" / "a" / "same.htm")  # a file that is a symlink
    real = RealPaths(root)
    for _ in range(2):  # the second pass answers from the folders remembered
        found = real.regular_file("pages/host/a/page.htm")
        assert found is not None and found.st_ino == (root / "pages" / "host" / "a" / "page.htm").stat().st_ino
        assert real.regular_file("pages/host/in/page.htm") is not None
        assert real.regular_file("top.htm") is not None
        for rel in ["pages/host/out/page.htm", "pages/host/a/same.htm", "pages/host/a/missing.htm",
                    "pages/host/a", "pages/../top.htm", "/etc/hostname", "pages//host/a/page.htm"]:
            assert real.regular_file(rel) is None, rel
