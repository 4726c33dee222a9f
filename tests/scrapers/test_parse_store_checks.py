"""The parse store checks what it serves: every stored narrative, summary entry and location is
bound to its country-year and the sha256 of the page it came from; an edited record (or one that
points 2021 at another year's page) is read again from the page and said once, in one line.
`parse --verify` hashes every cached page again, for a page changed in place with its size, mtime
and inode unchanged. Pages are the SYNTHETIC fixture site's."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pandas as pd
import pytest
from table_paths import tables_dir

YEARS = "2013,2021"


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture
def parsed(site_server, data_dir, cli):
    run = cli("refresh", "--data-dir", data_dir, "--mirror", site_server.base_url, "--delay", "0", "--years", YEARS)
    assert run.code == 0, run.output
    return data_dir


def _store_files(data_dir: Path, pattern: str) -> list[Path]:
    return sorted((data_dir / "raw" / "parsed").glob(pattern))


def _one_line_said(output: str) -> list[str]:
    return [line for line in output.splitlines() if "parse-store record(s) did not match the page" in line]


def _record_place(data_dir: Path, country: str, year: int) -> tuple[Path, int, int]:
    """(batch file, offset, length) of a stored narrative record, from the store's index."""
    [index] = _store_files(data_dir, "v*/index.json")
    entries = json.loads(index.read_text(encoding="utf-8"))
    [(name, offset, length)] = [v for k, v in entries.items() if k.startswith(f"{country}/{year}/")]
    return index.parent / "batches" / name, offset, length


def test_an_edited_narrative_record_is_read_again_from_the_page(parsed, cli, site_expected):
    data_dir = parsed
    batch, offset, length = _record_place(data_dir, "china", 2021)
    body = batch.read_bytes()
    data = json.loads(body[offset:offset + length])
    first = data["narrative"]["sections"][0]["paragraphs"][0]
    edited = "A sentence nobody printed, edited into the store."
    data["narrative"]["sections"][0]["paragraphs"][0] = edited + " " * (len(first) - len(edited))  # same length
    line = json.dumps(data, ensure_ascii=False).encode("utf-8")
    assert len(line) == length  # the record parses where the index says: only its check can tell
    batch.write_bytes(body[:offset] + line + body[offset + length:])
    for where in (tables_dir(data_dir), data_dir / "tables"):  # the generation and its stable copy
        (where / "kwic.csv").unlink()  # a rebuild reads every narrative from the store
    run = cli("parse", "--data-dir", data_dir)
    assert run.code == 0, run.output
    said = _one_line_said(run.output)
    assert len(said) == 1 and "1 parse-store record(s)" in said[0] and "china 2021" in said[0], run.output
    paragraphs = read(tables_dir(data_dir) / "paragraphs.csv")
    assert not paragraphs.text.str.contains("edited into the store").any()
    assert paragraphs.text.str.contains(first[:60], regex=False).any()
    again = cli("parse", "--data-dir", data_dir)  # the record was stored again, bound: nothing to say
    assert again.code == 0 and not _one_line_said(again.output), again.output


@pytest.mark.parametrize("damage", ["cut short", "bytes garbled", "file gone"])
def test_a_damaged_batch_file_is_parsed_again_never_served(parsed, cli, damage):
    data_dir = parsed
    batch, offset, length = _record_place(data_dir, "china", 2021)
    body = batch.read_bytes()
    if damage == "cut short":
        batch.write_bytes(body[:offset + length // 2])
    elif damage == "bytes garbled":
        batch.write_bytes(body[:offset + 10] + b"\x00\xff" * 20 + body[offset + 50:])
    else:
        batch.unlink()
    for where in (tables_dir(data_dir), data_dir / "tables"):
        (where / "kwic.csv").unlink()  # a rebuild reads every narrative from the store
    run = cli("parse", "--data-dir", data_dir)
    assert run.code == 0, run.output
    assert "0 page(s) parsed" not in run.output, run.output  # china 2021 was read again from its page
    said = _one_line_said(run.output)
    assert (damage == "file gone") == (not said) and all("china 2021" in line for line in said), run.output
    tiers = read(tables_dir(data_dir) / "tiers.csv").set_index("year")
    assert tiers.loc["2021", "tier"] == "Tier 3"
    again = cli("parse", "--data-dir", data_dir)  # stored again in a new batch file: nothing to parse or say
    assert again.code == 0 and "0 page(s) parsed" in again.output and not _one_line_said(again.output), again.output


def test_an_edited_summary_tier_is_not_served(parsed, cli):
    data_dir = parsed
    [summary] = _store_files(data_dir, "v*/summary.json")
    entries = json.loads(summary.read_text(encoding="utf-8"))
    key = next(k for k in entries if k.startswith("china/2021/"))
    entries[key]["tier"]["tier"] = "Tier 1"
    summary.write_text(json.dumps(entries), encoding="utf-8")
    run = cli("parse", "--data-dir", data_dir)
    assert run.code == 0 and len(_one_line_said(run.output)) == 1, run.output
    tiers = read(tables_dir(data_dir) / "tiers.csv").set_index("year")
    assert tiers.loc["2021", "tier"] == "Tier 3"


def test_a_location_pointing_2021_at_the_2013_page_is_located_again(parsed, cli, site_expected):
    data_dir = parsed
    [locations] = _store_files(data_dir, "locations-d*.json")
    records = json.loads(locations.read_text(encoding="utf-8"))
    records["china/2021"]["url"] = site_expected.EXPECTED[2013]["source_url"]
    locations.write_text(json.dumps(records), encoding="utf-8")
    run = cli("parse", "--data-dir", data_dir)
    assert run.code == 0, run.output
    said = _one_line_said(run.output)
    assert len(said) == 1 and "the location of china 2021" in said[0], run.output
    narratives = read(tables_dir(data_dir) / "narratives.csv").set_index("year")
    assert narratives.loc["2021", "source_url"] == site_expected.EXPECTED[2021]["source_url"]
    assert narratives.loc["2013", "source_url"] == site_expected.EXPECTED[2013]["source_url"]


def test_parse_verify_finds_a_page_changed_in_place_with_its_stat_unchanged(parsed, cli, site_expected):
    data_dir = parsed
    manifest = read(data_dir / "raw" / "manifest.csv").set_index("url")
    page = data_dir / "raw" / manifest.loc[site_expected.EXPECTED[2021]["source_url"], "path"]
    old = time.time() - 3600  # old enough for its stamp to be trusted (raw/parsed/stamps.json)
    for path in (data_dir / "raw" / "pages").rglob("*"):
        if path.is_file():
            os.utime(path, (old, old))
    assert cli("parse", "--data-dir", data_dir).code == 0  # hashes the pages once more and stamps them
    stamps = json.loads((data_dir / "raw" / "parsed" / "stamps.json").read_text(encoding="utf-8"))
    assert manifest.loc[site_expected.EXPECTED[2021]["source_url"], "path"] in stamps

    before = page.stat()
    body = page.read_bytes()
    changed = body.replace(b"remained on Tier 3", b"remained on Tier 1", 1)
    assert changed != body and len(changed) == len(body)
    with open(page, "r+b") as fh:  # in place: same inode, same size
        fh.write(changed)
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = page.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (before.st_ino, before.st_size, before.st_mtime_ns)

    trusting = cli("parse", "--data-dir", data_dir)  # the stamp is trusted: the change is not seen
    assert trusting.code == 0 and "tables unchanged" in trusting.output, trusting.output
    run = cli("parse", "--data-dir", data_dir, "--verify")
    assert run.code == 1, run.output
    assert "CACHE CORRUPT 2021" in run.output and "changed" in run.output, run.output
    assert read(tables_dir(data_dir) / "tiers.csv").set_index("year").loc["2021", "tier"] == "Tier 3"


def test_the_synthetic_flag_is_found_when_the_page_is_parsed_and_served_from_the_store(parsed, cli):
    """The fixture pages say they are synthetic: the flag is read from the page's bytes by the one
    parse, kept with the stored record, and a rebuild from the store (no page parsed) still has it."""
    data_dir = parsed
    assert set(read(tables_dir(data_dir) / "narratives.csv").synthetic) == {"true"}
    for where in (tables_dir(data_dir), data_dir / "tables"):
        (where / "kwic.csv").unlink()  # a rebuild reads every narrative from the store
    run = cli("parse", "--data-dir", data_dir)
    assert run.code == 0 and "0 page(s) parsed" in run.output, run.output
    assert set(read(tables_dir(data_dir) / "narratives.csv").synthetic) == {"true"}
