"""The table set survives the ways users copy a data directory, serves readers that resolved it
before a publish, and shows git each table's history (issue 14, items 1-4).

Every copy route is run for real (shutil, python -m zipfile, rsync -r, git clone with
core.symlinks=false), on a data directory of today's layout and on one of the old layout (a
`tables/current` symlink). After each, the set is found (also by the dashboard's loader), and a
`parse` after an input change exits 0 and publishes.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from scrapers.store import tableset
from scrapers.store.tableset import TableSetChanged, current, publish, read_pointer, stable_copy, tables_root

ROOT = Path(__file__).resolve().parents[2]
LEXICON = (ROOT / "data" / "lexicon.toml").read_text(encoding="utf-8")
# A victim group added for the test (synthetic: it is no part of the project's lexicon): the
# fixture site's narratives speak of women, so the mentions table changes.
TEST_GROUP = '''
[groups.test_women]
label = "Women (test group)"
description = "Sentences that name women (a group added by a test)."
role = "people"
patterns = ["women"]

'''


def _digests(ts: tableset.TableSet) -> dict[str, str]:
    return {name: info.sha256 for name, info in ts.manifest.tables.items()}


def _change_input(data_dir: Path, tag: str) -> None:
    """A new lexicon.toml in the data directory (the repository's plus a comment): new inputs key."""
    (data_dir / "lexicon.toml").write_text(LEXICON + f"\n# {tag}\n", encoding="utf-8")


def _to_old_layout(data_dir: Path) -> str:
    """Turn a published data directory into the old layout: tables/gNNNNNN/ and the symlink
    tables/current -> gNNNNNN, no pointer file, no stable copy. The generation's name."""
    root = tables_root(data_dir)
    name = current(data_dir).dir.name
    for path in root.iterdir():
        if path.is_file():
            path.unlink()
    os.symlink(name, root / "current")
    return name


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    run = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert run.returncode == 0, f"git {' '.join(args)}: {run.stdout}{run.stderr}"
    return run.stdout


# -- the copy routes ------------------------------------------------------------------------------
def _copytree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst)  # symlinks=False: a symlink becomes a copy of what it points to


def _zipfile_cli(src: Path, dst: Path) -> None:
    archive = dst.parent / "cli.zip"
    for argv in (["-c", str(archive), src.name], ["-e", str(archive), str(dst.parent / "unzipped")]):
        run = subprocess.run([sys.executable, "-m", "zipfile", *argv], cwd=src.parent, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
    shutil.move(dst.parent / "unzipped" / src.name, dst)


def _make_archive(src: Path, dst: Path) -> None:
    archive = shutil.make_archive(str(dst.parent / "archive"), "zip", root_dir=src)
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(dst)  # a symlinked directory comes back as an empty directory


def _rsync(src: Path, dst: Path) -> None:
    if shutil.which("rsync") is None:
        pytest.skip("rsync is not installed (apt-get install rsync)")
    run = subprocess.run(["rsync", "-r", f"{src}/", str(dst)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr  # without -l, symlinks are skipped ("non-regular file")


def _git_clone(src: Path, dst: Path) -> None:
    origin = dst.parent / "origin"
    shutil.copytree(src, origin / "data", symlinks=True)
    if not (src / "tables" / "current").is_symlink():  # today's .gitignore: generations, pointer stay out
        shutil.copy(ROOT / ".gitignore", origin / ".gitignore")  # (the old layout committed its symlink)
    _git(origin, "init", "-q")
    _git(origin, "add", "-A")
    _git(origin, "commit", "-qm", "data")
    clone = dst.parent / "clone"
    _git(dst.parent, "-c", "core.symlinks=false", "clone", "-q", "--config", "core.symlinks=false",
         str(origin), str(clone))
    shutil.move(clone / "data", dst)


ROUTES = {"copytree": _copytree, "python -m zipfile": _zipfile_cli, "make_archive+extractall": _make_archive,
          "rsync -r": _rsync, "git clone core.symlinks=false": _git_clone}


@pytest.fixture
def published(data_dir, cli) -> Path:
    """A data directory after one real `parse` (no raw pages: the repository's inputs)."""
    _change_input(data_dir, "first")
    run = cli("parse", "--data-dir", data_dir)
    assert run.code == 0 and "tables written" in run.output, run.output
    return data_dir


def _dashboard_rows(data_dir: Path, monkeypatch) -> int:
    """Rows of tiers.csv as the dashboard's loader reads them from `data_dir`."""
    from dashboard import data as dashboard_data

    monkeypatch.setenv("TIPDASH_DATA_DIR", str(data_dir))
    loaded = dashboard_data.load_table("tiers")
    assert loaded.ok, loaded.message
    return len(loaded.df)


@pytest.mark.parametrize("layout", ["pointer file", "old symlink"])
@pytest.mark.parametrize("route", sorted(ROUTES))
def test_every_copy_route_keeps_the_tables_found_and_parse_publishing(published, tmp_path, cli, monkeypatch,
                                                                      route, layout):
    source = published
    expected = _digests(current(source))
    if layout == "old symlink":
        _to_old_layout(source)
        assert _digests(current(source)) == expected  # the old layout is read as it is
    copy = tmp_path / "copy" / "data"
    copy.parent.mkdir()
    ROUTES[route](source, copy)

    found = current(copy)
    assert found is not None, f"{route}: no table set found in {sorted(p.name for p in tables_root(copy).iterdir())}"
    assert _digests(found) == expected
    assert all(len(found.read(name)) == info.rows for name, info in found.manifest.tables.items())
    assert _dashboard_rows(copy, monkeypatch) == found.manifest.tables["tiers"].rows

    for round_ in ("after copy", "again"):  # the second publish retires a copied `current` directory too
        _change_input(copy, f"{route} {layout} {round_}")
        run = cli("parse", "--data-dir", copy)
        assert run.code == 0 and "tables written" in run.output, run.output
        now = current(copy)
        assert now is not None and now.generation > found.generation
        assert now.dir.name == read_pointer(copy).generation
        assert _digests(now) == expected  # a comment in the lexicon changes no table
        assert _digests(stable_copy(copy)) == expected
        found = now
    legacy = tables_root(copy) / "current"
    assert not legacy.exists() and not legacy.is_symlink(), "the old `current` is repaired away"
    unchanged = cli("parse", "--data-dir", copy)
    assert unchanged.code == 0 and "tables unchanged" in unchanged.output, unchanged.output
    assert _dashboard_rows(copy, monkeypatch) == found.manifest.tables["tiers"].rows


@pytest.mark.parametrize("what", ["a text file", "an empty directory", "a dangling symlink"])
def test_a_broken_old_current_is_no_dead_end(published, cli, what):
    """`current` as a checkout without symlinks, an archive or a pruned link leave it: the newest
    complete generation is read, and the next parse publishes and removes the leftover."""
    root = tables_root(published)
    name = _to_old_layout(published)
    (root / "current").unlink()
    if what == "a text file":
        (root / "current").write_text(name + "\n")
    elif what == "an empty directory":
        (root / "current").mkdir()
    else:
        os.symlink("g999999", root / "current")
    assert current(published) is not None and current(published).dir.name == name
    _change_input(published, what)
    run = cli("parse", "--data-dir", published)
    assert run.code == 0 and "tables written" in run.output, run.output
    assert not (root / "current").exists() and not (root / "current").is_symlink()


def test_directories_where_the_pointer_and_the_stable_manifest_belong_are_no_dead_end(published, cli):
    root = tables_root(published)
    for name in (tableset.POINTER, tableset.MANIFEST):
        (root / name).unlink()
        (root / name / "stray").mkdir(parents=True)
    assert current(published) is not None  # the newest complete generation
    _change_input(published, "stray directories")
    run = cli("parse", "--data-dir", published)
    assert run.code == 0 and "tables written" in run.output, run.output
    assert (root / tableset.POINTER).is_file() and stable_copy(published) is not None


# -- readers --------------------------------------------------------------------------------------
def _frames(tag: str) -> dict[str, pd.DataFrame]:
    """Two small synthetic tables whose cells say which publish wrote them."""
    return {"alpha": pd.DataFrame({"run": [tag, tag], "n": ["1", "2"]}),
            "beta": pd.DataFrame({"run": [tag], "text": [f"beta of {tag}"]})}


def test_a_reader_that_resolved_before_a_publish_reads_every_table_of_its_set(tmp_path):
    data_dir = tmp_path / "data"
    publish(data_dir, _frames("first"), inputs_key="first")
    reader = current(data_dir)  # resolved once, as the dashboard does per render
    publish(data_dir, _frames("second"), inputs_key="second")
    assert current(data_dir).manifest.inputs_key == "second"
    for name in reader.manifest.tables:  # every table of the set it resolved, from that set only
        assert set(reader.read(name)["run"]) == {"first"}
        assert set(reader.read_typed(name)["run"]) == {"first"}
        assert not reader.changed(name)
    publish(data_dir, _frames("third"), inputs_key="third")
    # the rule: a generation stays until the one after it has been replaced too; older ones go
    assert not reader.dir.exists()
    assert tableset.generations(data_dir) == [2, 3]


def test_a_reader_of_the_stable_copy_is_told_when_a_publish_replaced_its_tables(tmp_path):
    """A fresh clone has the stable copy only; a reader holding it while the first publish renames
    new tables into place gets TableSetChanged for those, never another run's rows as its own."""
    data_dir = tmp_path / "data"
    publish(data_dir, _frames("first"), inputs_key="first")
    root = tables_root(data_dir)
    (root / tableset.POINTER).unlink()
    for generation in tableset.generations(data_dir):
        shutil.rmtree(root / f"g{generation:06d}")
    reader = current(data_dir)
    assert reader.dir == root
    frames = _frames("second")
    frames["beta"] = _frames("first")["beta"]  # beta unchanged: its stable files stay as they are
    publish(data_dir, frames, inputs_key="second")
    assert set(reader.read("beta")["run"]) == {"first"} and not reader.changed("beta")
    assert reader.changed("alpha")
    with pytest.raises(TableSetChanged, match="resolve the set again"):
        reader.read("alpha")
    with pytest.raises(TableSetChanged):
        reader.read_typed("alpha")
    assert set(current(data_dir).read("alpha")["run"]) == {"second"}


def test_a_git_checkout_of_other_tables_is_what_readers_see(tmp_path):
    """The stable copy changed under the pointer (git pull / checkout): it is the current set."""
    data_dir = tmp_path / "data"
    publish(data_dir, _frames("first"), inputs_key="first")
    first_copy = {p.name: p.read_bytes() for p in tables_root(data_dir).iterdir() if p.is_file()
                  and p.name != tableset.POINTER}
    publish(data_dir, _frames("second"), inputs_key="second")
    assert current(data_dir).manifest.inputs_key == "second"
    for name, body in first_copy.items():  # what `git checkout HEAD~1 -- data/tables` does
        (tables_root(data_dir) / name).unlink()
        (tables_root(data_dir) / name).write_bytes(body)
    now = current(data_dir)
    assert now.dir == tables_root(data_dir) and now.manifest.inputs_key == "first"
    assert set(now.read("alpha")["run"]) == {"first"}


# -- git ------------------------------------------------------------------------------------------
def _repository_copy(target: Path) -> Path:
    """A git repository holding this checkout's files as git would commit them (tracked and
    untracked-but-not-ignored files of the code and data/), committed once."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    wanted = ("analysis/", "scrapers/", "dashboard/", "data/")
    for name in listed:
        if (name.startswith(wanted) or name in (".gitignore", "pyproject.toml")) and (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    _git(target, "init", "-q")
    _git(target, "add", "-A")
    _git(target, "commit", "-qm", "the repository")
    return target


def _run(argv: list[str], cwd: Path, checkout: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TIPDASH_DATA_DIR")}
    return subprocess.run([sys.executable, *argv], cwd=cwd, env={**clean, "PYTHONPATH": str(checkout), **env},
                          capture_output=True, text=True, timeout=600)


def test_a_parse_in_a_fresh_clone_changes_no_file(tmp_path):
    origin = _repository_copy(tmp_path / "origin")
    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", "--config", "core.symlinks=false", str(origin), str(clone))
    shipped = current(clone / "data")
    assert shipped is not None and shipped.dir == tables_root(clone / "data"), "a clone reads the stable copy"
    run = _run(["-m", "scrapers", "parse"], clone, clone)  # README's command, the default data directory
    assert run.returncode == 0, run.stdout + run.stderr
    assert _git(clone, "status", "--porcelain", "--ignored=no") == ""
    assert _digests(current(clone / "data")) == _digests(shipped)


def test_cli_and_dashboard_use_one_data_directory_from_any_working_directory(tmp_path):
    origin = _repository_copy(tmp_path / "origin")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    _change_input(origin / "data", "from elsewhere")
    run = _run(["-m", "scrapers", "parse"], elsewhere, origin)
    assert run.returncode == 0 and "tables written" in run.stdout, run.stdout + run.stderr
    assert str(origin / "data" / "tables") in run.stdout and not (elsewhere / "data").exists()
    show = ("from dashboard.data import data_dir, table_set; from scrapers.store.tableset import read_pointer; "
            "print(data_dir()); print(table_set().dir.name == read_pointer(data_dir()).generation)")
    seen = _run(["-c", show], elsewhere, origin)
    assert seen.stdout.split() == [str(origin / "data"), "True"], seen.stdout + seen.stderr
    own = tmp_path / "own-data"
    own.mkdir()
    run = _run(["-m", "scrapers", "parse"], elsewhere, origin, TIPDASH_DATA_DIR=str(own))
    assert run.returncode == 0 and current(own) is not None, run.stdout + run.stderr
    seen = _run(["-c", show], elsewhere, origin, TIPDASH_DATA_DIR=str(own))
    assert seen.stdout.split() == [str(own), "True"], seen.stdout + seen.stderr
    helped = _run(["-m", "scrapers", "parse", "--help"], elsewhere, origin)
    assert "TIPDASH_DATA_DIR" in helped.stdout and "the dashboard reads the same" in " ".join(helped.stdout.split())


def test_git_log_of_a_table_shows_each_change_and_no_table_file_is_deleted(tmp_path, site_server, cli):
    repo = tmp_path / "repo"
    data_dir = repo / "data"
    data_dir.mkdir(parents=True)
    shutil.copy(ROOT / ".gitignore", repo / ".gitignore")
    run = cli("refresh", "--data-dir", data_dir, "--mirror", site_server.base_url, "--delay", "0",
              "--years", "2013,2021")
    assert run.code == 0, run.output
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "first refresh")
    tracked = set(_git(repo, "ls-files", "data/tables").split())
    assert "data/tables/mentions.csv" in tracked and not any("/g0" in t or "CURRENT" in t for t in tracked)

    marker = "[groups.mongolian]"
    assert marker in LEXICON
    (data_dir / "lexicon.toml").write_text(LEXICON.replace(marker, TEST_GROUP + marker), encoding="utf-8")
    run = cli("parse", "--data-dir", data_dir)
    assert run.code == 0 and "tables written" in run.output, run.output
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "lexicon: a test group")

    changes = _git(repo, "diff", "--name-status", "HEAD~1", "HEAD", "--", "data/tables").splitlines()
    assert changes and all(line.split()[0] == "M" for line in changes), changes  # modified, never deleted
    assert "data/tables/tiers.csv" not in " ".join(changes)  # a table that did not change is untouched
    log = _git(repo, "log", "-p", "--format=commit %s", "--", "data/tables/mentions.csv")
    assert "commit lexicon: a test group" in log and "commit first refresh" in log
    added = [line for line in log.splitlines() if line.startswith("+") and "test_women" in line]
    assert added, log[:2000]
    assert "deleted file" not in log
