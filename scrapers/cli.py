"""Command line: python -m scrapers refresh|parse|status|bench (see --help of each)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence, TextIO

from scrapers.errors import ScraperError
from scrapers.http import USER_AGENT, WAYBACK_PREFIX, FetchConfig
from scrapers.pipeline import (
    FIRST_YEAR, PARSED, ParseResult, RefreshResult, StatusReport, YearOutcome, YearsError,
    parse, parse_years, refresh, status,
)

DESCRIPTION = """\
Scrape China's narrative from the U.S. State Department's Trafficking in Persons (TIP) Report for
every report year, keep every fetched page in a raw cache (DATA_DIR/raw/), and write the tables
tiers.csv, narratives.csv, paragraphs.csv, coverage.csv and the analysis tables (mentions.csv,
mention_sections.csv, kwic.csv, claims.csv) into DATA_DIR.

exit codes: 0 every asked year fetched (or cached) and parsed; 1 some years failed (the others are
still written, the summary says why); 2 bad arguments."""

REFRESH_HELP = f"""\
Fetch what is missing into DATA_DIR/raw/, then rebuild every table from the whole cache (as
`parse` does). Cached pages are never fetched again unless --force: a second refresh of cached
years makes no request. Without --years, every year from {FIRST_YEAR} to the newest report (found by
probing the current year and stepping back; a 404 there means 'not published yet') is asked.
Requests are retried with exponential backoff on connection errors, 429 and 5xx (honouring
Retry-After), never on 404, and carry the User-Agent
  {USER_AGENT}"""

PARSE_HELP = """\
Rebuild every table from DATA_DIR/raw/ alone, without any network access. Running it after a
refresh gives byte-identical files."""

STATUS_HELP = """\
Print per year: cached?, tier and where it comes from (scraped or reference), source URL, and
problems: tiers that disagree with the reference table (TIER DISAGREES), tiers that could not be
read (TIER UNREAD), pages that failed to fetch or parse. Reads the cache; writes nothing."""

BENCH_HELP = """\
Time the pipeline against the local fixture site (tests/fixtures/site/, served on 127.0.0.1; needs
a checkout of the repository): cold refresh, warm refresh (no requests), parse of all cached pages,
and the analysis (metrics) step; prints a small table. Works in a temporary directory; DATA_DIR is
only read: if it holds cached pages, parsing them is timed too (nothing is written)."""


# -- argument types -----------------------------------------------------------------------------
def _years_arg(text: str) -> list[int]:
    try:
        return parse_years(text)
    except YearsError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--years: ")) from None


def _country_arg(text: str) -> str:
    from scrapers.countries import get_country

    try:
        return get_country(text).slug
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _non_negative(kind: type):
    def convert(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a {kind.__name__}, got {text!r}") from None
        if value < 0:
            raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
        return value
    convert.__name__ = kind.__name__
    return convert


def _positive_float(text: str) -> float:
    value = _non_negative(float)(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be > 0")
    return value


def _mirror_arg(text: str) -> str:
    if not text.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(
            f"--mirror must be a URL prefix starting with http:// or https://, got {text!r} "
            f"(e.g. {WAYBACK_PREFIX} or http://127.0.0.1:8000/)")
    return text


def _existing_file(text: str) -> Path:
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no such file: {text}")
    return path


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of `python -m scrapers`."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", type=Path, default=Path("data"), metavar="DIR",
                        help="data directory holding raw/ and the tables (default: data/)")
    common.add_argument("--country", type=_country_arg, default="china", metavar="SLUG",
                        help="country whose narrative is scraped (default: china)")
    inputs = argparse.ArgumentParser(add_help=False)
    inputs.add_argument("--lexicon", type=_existing_file, metavar="FILE",
                        help="lexicon of the analysis (default: DATA_DIR/lexicon.toml if present, else "
                             "the repository's data/lexicon.toml)")
    inputs.add_argument("--claims", type=_existing_file, metavar="FILE",
                        help="the essay's claims (default: DATA_DIR/essay/claims.csv if present, else "
                             "the repository's data/essay/claims.csv)")
    parser = argparse.ArgumentParser(prog="python -m scrapers", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", metavar="{refresh,parse,status,bench}", required=True)
    fmt = argparse.RawDescriptionHelpFormatter
    p_refresh = commands.add_parser("refresh", parents=[common, inputs], help="fetch what is missing, then parse",
                                    description=REFRESH_HELP, formatter_class=fmt)
    p_refresh.add_argument("--years", type=_years_arg, metavar="YEARS",
                           help="2021, 2013-2021 or 2003,2012,2021 (default: every year from "
                                f"{FIRST_YEAR} to the newest report)")
    p_refresh.add_argument("--force", action="store_true", help="re-fetch pages even when cached")
    p_refresh.add_argument("--mirror", type=_mirror_arg, metavar="PREFIX",
                           help="fetch PREFIX + original URL instead, e.g. "
                                f"{WAYBACK_PREFIX} or http://127.0.0.1:PORT/ (both URLs are recorded)")
    p_refresh.add_argument("--delay", type=_non_negative(float), default=1.0, metavar="SECONDS",
                           help="at most one request per SECONDS (default: 1.0)")
    p_refresh.add_argument("--retries", type=_non_negative(int), default=3, metavar="N",
                           help="retries on connection errors, 429 and 5xx (default: 3)")
    p_refresh.add_argument("--backoff", type=_non_negative(float), default=1.0, metavar="SECONDS",
                           help="exponential backoff factor between retries (default: 1.0)")
    p_refresh.add_argument("--timeout", type=_positive_float, default=30.0, metavar="SECONDS",
                           help="connect and read timeout per request (default: 30)")
    commands.add_parser("parse", parents=[common, inputs], help="rebuild every table from data/raw, no network",
                        description=PARSE_HELP, formatter_class=fmt)
    commands.add_parser("status", parents=[common], help="per year: cached?, tier, source URL, problems",
                        description=STATUS_HELP, formatter_class=fmt)
    p_bench = commands.add_parser("bench", parents=[common], help="time refresh, parse and analysis",
                                  description=BENCH_HELP, formatter_class=fmt)
    p_bench.add_argument("--rounds", type=_non_negative(int), default=3, metavar="N",
                         help="repetitions of the parse and analysis timings; best is shown (default: 3)")
    return parser


# -- progress -----------------------------------------------------------------------------------
def _outcome_line(outcome: YearOutcome) -> str:
    if outcome.status == PARSED:
        how = "cached" if outcome.from_cache else "fetched"
        return f"{outcome.year}: {how}" + (f" ({outcome.detail})" if outcome.detail else "")
    return f"{outcome.year}: {outcome.status.upper().replace('_', ' ')} - {outcome.detail}"


class LineProgress:
    """One line per year (for logs and CI)."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def start(self, years: Sequence[int]) -> None:
        if years:
            print(f"refreshing {len(years)} year(s): {years[0]}-{years[-1]}", file=self.out, flush=True)

    def year_done(self, outcome: YearOutcome) -> None:
        print(_outcome_line(outcome), file=self.out, flush=True)

    def message(self, text: str) -> None:
        print(text, file=self.out, flush=True)


class BarProgress:
    """A tqdm progress bar (on a terminal)."""

    def __init__(self, file: TextIO) -> None:
        self.file = file
        self.bar = None

    def start(self, years: Sequence[int]) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=len(years), unit="year", desc="refresh", leave=True, file=self.file)

    def year_done(self, outcome: YearOutcome) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(_outcome_line(outcome)[:60])
            self.bar.update(1)
            if self.bar.n >= self.bar.total:
                self.bar.close()

    def message(self, text: str) -> None:
        from tqdm import tqdm

        tqdm.write(text, file=self.file)


# -- reports ------------------------------------------------------------------------------------
def _print_parse_report(result: ParseResult, out: TextIO) -> None:
    for d in result.disagreements:
        print(d.message(), file=out)
    if result.unread_tier_years:
        years = ", ".join(str(y) for y in result.unread_tier_years)
        print(f"TIER UNREAD in {years}: the tier could not be read from the page (tiers.csv leaves it "
              "empty; see `status`)", file=out)
    for year, detail in result.parse_failures.items():
        print(f"PARSE FAILED {year}: {detail}", file=out)
    for note in result.warnings:
        print(f"warning: {note}", file=out)
    if result.analysis_error:
        print(f"ERROR: {result.analysis_error}", file=out)
    written = ", ".join(f"{name}.csv ({result.row_counts[name]} rows)" for name in result.tables)
    print(f"tables in {result.data_dir}: {written}", file=out)


def print_refresh_summary(result: RefreshResult, out: TextIO) -> None:
    """The refresh summary: counts, every failed year and why, loud tier problems, tables written."""
    parsed = [o for o in result.outcomes if o.ok]
    fetched = sum(1 for o in parsed if not o.from_cache)
    print(f"\n{result.country}: {len(result.years_asked)} year(s) asked; {len(parsed)} parsed "
          f"({fetched} fetched, {len(parsed) - fetched} from cache); {len(result.failed)} failed; "
          f"{result.requests_made} request(s)", file=out)
    if result.newest_year is not None:
        print(f"newest report year found: {result.newest_year}", file=out)
    for outcome in result.failed:
        print(f"FAILED {outcome.year} ({outcome.status}): {outcome.detail}", file=out)
    _print_parse_report(result.parse, out)


def print_status(report: StatusReport, out: TextIO) -> None:
    """`status` as a per-year listing followed by the loud lines."""
    print(f"{report.country} in {report.data_dir}: {report.cached_pages} cached page(s)", file=out)
    print(f"{'year':<6}{'cached':<8}{'tier':<19}{'origin':<11}source", file=out)
    for line in report.years:
        tier = line.tier or "(unread)"
        print(f"{line.year:<6}{'yes' if line.cached else 'no':<8}{tier:<19}{line.origin or '-':<11}"
              f"{line.source_url}", file=out)
        for problem in line.problems:
            print(f"{'':<6}! {problem}", file=out)
    for d in report.disagreements:
        print(d.message(), file=out)
    if report.unread_tier_years:
        print("TIER UNREAD in " + ", ".join(map(str, report.unread_tier_years)), file=out)
    for note in report.warnings:
        print(f"warning: {note}", file=out)


# -- main ---------------------------------------------------------------------------------------
def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.command == "refresh":
        config = FetchConfig(delay=args.delay, retries=args.retries, backoff_factor=args.backoff,
                             connect_timeout=args.timeout, read_timeout=args.timeout, mirror=args.mirror)
        progress = BarProgress(err) if err.isatty() else LineProgress(out)
        result = refresh(args.data_dir, args.country, args.years, force=args.force,
                         fetch_config=config, progress=progress, lexicon=args.lexicon,
                         claims=args.claims)
        print_refresh_summary(result, out)
        return 0 if result.ok else 1
    if args.command == "parse":
        result = parse(args.data_dir, args.country, lexicon=args.lexicon, claims=args.claims)
        print(f"{result.country}: parsed {len(result.parsed_years)} year(s) from {args.data_dir}/raw: "
              + (", ".join(map(str, result.parsed_years)) or "none"), file=out)
        _print_parse_report(result, out)
        return 0 if not (result.parse_failures or result.analysis_error) else 1
    if args.command == "status":
        report = status(args.data_dir, args.country)
        print_status(report, out)
        return 0
    if args.command == "bench":
        from scrapers.bench import run_bench

        return run_bench(data_dir=args.data_dir, country=args.country, rounds=max(1, args.rounds), out=out)
    raise AssertionError(args.command)


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 1 some years failed, 2 bad arguments)."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return int(exc.code or 0)
    try:
        return _run(args, out, err)
    except KeyboardInterrupt:
        print("\ninterrupted: pages fetched so far are kept in the cache; run the command again to "
              "continue", file=err)
        return 130
    except (ScraperError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=err)
        return 1
