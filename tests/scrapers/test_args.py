"""Odd arguments: refused with the argument named and exit 2, or normalised; secrets never printed
or written; --data-dir must be a directory (refresh creates a missing one)."""
from __future__ import annotations

import pytest

from scrapers.web.config import FetchConfig, normalise_mirror


@pytest.mark.parametrize("argv, message", [
    (["--delay", "nan"], "argument --delay: must be a finite number, got 'nan'"),
    (["--delay", "inf"], "argument --delay: must be a finite number, got 'inf'"),
    (["--delay=-inf"], "argument --delay: must be a finite number"),
    (["--timeout", "nan"], "argument --timeout: must be a finite number, got 'nan'"),
    (["--timeout", "1e400"], "argument --timeout: must be a finite number"),
    (["--timeout", "99999"], "argument --timeout: must be <= 3600"),
    (["--backoff", "inf"], "argument --backoff: must be a finite number, got 'inf'"),
    (["--retries", "1000000"], "argument --retries: must be <= 20, got 1000000"),
    (["--retries", "99999999999999999999999"], "argument --retries: must be <= 20"),
    (["--delay", "1e9"], "argument --delay: must be <= 3600"),
])
def test_non_finite_and_huge_numbers_are_refused(cli, data_dir, argv, message):
    run = cli("refresh", "--data-dir", data_dir, *argv)
    assert run.code == 2, run.output
    assert message in run.output
    assert "Traceback" not in run.output
    assert list(data_dir.iterdir()) == [], "nothing written"


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_fetch_config_refuses_non_finite_numbers(value):
    for name in ("delay", "backoff_factor", "read_timeout", "connect_timeout", "deadline"):
        with pytest.raises(ValueError, match=f"{name} must be a finite number"):
            FetchConfig(**{name: value})


@pytest.mark.parametrize("given, normalised", [
    ("http://127.0.0.1:8701", "http://127.0.0.1:8701/"),
    ("http://127.0.0.1:8701/ ", "http://127.0.0.1:8701/"),
    ("  https://web.archive.org/web/2024id_/", "https://web.archive.org/web/2024id_/"),
    ("https://web.archive.org/web/2024id_", "https://web.archive.org/web/2024id_/"),
    ("HTTP://127.0.0.1:8701/", "http://127.0.0.1:8701/"),
])
def test_mirror_is_normalised(given, normalised):
    assert normalise_mirror(given) == normalised
    assert FetchConfig(mirror=given).mirror == normalised


@pytest.mark.parametrize("given, message", [
    ("127.0.0.1:8701", "must be a URL prefix starting with http:// or https://"),
    ("http://", "has no host"),
    ("http://127.0.0.1:99999/", "not a valid URL"),
    ("http://127.0.0.1:80x/", "not a valid URL"),
    ("http://host/a b/", "must not contain spaces"),
    ("http://host/?x=1", "without '?' or '#'"),
])
def test_unusable_mirror_is_refused_with_the_fix(cli, data_dir, given, message):
    run = cli("refresh", "--data-dir", data_dir, "--mirror", given)
    assert run.code == 2, run.output
    assert "argument --mirror:" in run.output and message in run.output
    assert "e.g. https://web.archive.org/web/2024id_/" in run.output or "has no host" not in message


def test_mirror_without_slash_is_fetched_correctly(cli, site_server, data_dir):
    run = cli("refresh", "--data-dir", data_dir, "--mirror", site_server.base_url.rstrip("/") + " ",
              "--delay", "0", "--years", "2021")
    assert run.code == 0, run.output
    assert "2021: fetched" in run.output
    manifest = (data_dir / "raw" / "manifest.csv").read_text(encoding="utf-8")
    assert site_server.base_url + "https://www.state.gov/" in manifest
    assert "8701https:" not in manifest and f"{site_server.port}https:" not in manifest


@pytest.mark.parametrize("mirror", ["http://user:secret@127.0.0.1:8701/", "https://:secret@web.archive.org/web/",
                                    "http://user:secret@127.0.0.1:8701"])
def test_mirror_with_credentials_is_refused_without_printing_them(cli, data_dir, mirror):
    run = cli("refresh", "--data-dir", data_dir, "--mirror", mirror, "--years", "2021")
    assert run.code == 2, run.output
    assert "drop the credentials" in run.output
    assert "secret" not in run.output
    assert list(data_dir.iterdir()) == [], "nothing written"
    with pytest.raises(ValueError) as info:
        FetchConfig(mirror=mirror)
    assert "secret" not in str(info.value)


@pytest.mark.parametrize("command", ["status", "parse"])
def test_status_and_parse_need_an_existing_directory(cli, tmp_path, command):
    a_file = tmp_path / "tiers.csv"
    a_file.write_text("x\n")
    run = cli(command, "--data-dir", a_file)
    assert run.code == 2 and "argument --data-dir:" in run.output and "not a directory (it is a file)" in run.output
    assert a_file.read_text() == "x\n"
    missing = tmp_path / "nowhere"
    run = cli(command, "--data-dir", missing)
    assert run.code == 2 and "not a directory (it does not exist" in run.output, run.output
    assert not missing.exists()


def test_refresh_refuses_a_file_and_creates_a_missing_directory(cli, site_server, tmp_path):
    a_file = tmp_path / "data"
    a_file.write_text("x\n")
    run = cli("refresh", "--data-dir", a_file, "--mirror", site_server.base_url, "--delay", "0",
              "--years", "2021")
    assert run.code == 2 and "not a directory (it is a file)" in run.output
    assert site_server.total == 0
    missing = tmp_path / "new" / "data"
    run = cli("refresh", "--data-dir", missing, "--mirror", site_server.base_url, "--delay", "0",
              "--years", "2021")
    assert run.code == 0, run.output
    assert (missing / "raw" / "manifest.csv").is_file()
