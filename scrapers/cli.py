"""Command line: python -m scrapers refresh|parse|status|bench (see --help of each)."""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Sequence, TextIO

from analysis.schema import NOT_LISTED, PARSED
from scrapers.uptodate import BuildResult, fix_command
from scrapers.countries import parse_countries
from scrapers.datadir import RULE, SUMMARY_DIR, default_data_dir
from scrapers.tier_table import label
from scrapers.errors import ScraperError
from scrapers.web.config import USER_AGENT, WAYBACK_PREFIX, FetchConfig, normalise_mirror
from scrapers.inputs import FIRST_YEAR, YearsError, parse_years
from scrapers.store.lists import bounded, bounded_lines
from scrapers.store.lock import RunLocked
from scrapers.refresh import RefreshResult, YearOutcome, parse, refresh
from scrapers.status import CountrySummary, StatusReport, status, status_overview

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
FETCH_DEFAULTS = FetchConfig()  # the one set of fetch defaults: the command line shows and uses these

DESCRIPTION = """\
Scrape China's narrative from the U.S. State Department's Trafficking in Persons (TIP) Report for
every report year, keep every fetched page in a raw cache (DATA_DIR/raw/), and publish the tables
tiers.csv, narratives.csv, paragraphs.csv, coverage.csv and the analysis tables (mentions.csv,
mention_sections.csv, kwic.csv, claims.csv) as one set (all tables of a run appear together or not
at all): DATA_DIR/tables/gNNNNNN/, named by DATA_DIR/tables/CURRENT.txt, with a copy at the stable
paths DATA_DIR/tables/*.csv that git commits.

DATA_DIR: --data-dir, else $TIPDASH_DATA_DIR if set, else the repository's data/ (whatever the
working directory); the dashboard reads the same directory.

exit codes: 0 every asked year fetched (or cached) and parsed; 1 some years failed (the others are
still written, the summary says why); 2 bad arguments; 3 another run holds the data directory
(use --wait to queue behind it); 130 interrupted."""

REFRESH_HELP = f"""\
Fetch what is missing into DATA_DIR/raw/, then rebuild every table from the whole cache (as
`parse` does). Cached pages are never fetched again unless --force: a second refresh of cached
years makes no request. Without --years, every year from {FIRST_YEAR} to the newest report (found by
probing the current year and stepping back; a 404 there means 'not published yet') is asked.
Requests are retried with exponential backoff on connection errors, 429 and 5xx (honouring
Retry-After), never on 404, and carry the User-Agent
  {USER_AGENT}"""

PARSE_HELP = """\
Rebuild every table from DATA_DIR/raw/ alone, without any network access. Each page is parsed once
in its life (parsed narratives are kept under DATA_DIR/raw/parsed/, keyed by the page's sha256 and the
parser version); when nothing changed since the last set, nothing is rewritten."""

STATUS_HELP = """\
Print per year: cached?, tier and where it comes from (scraped or reference), source URL, and
problems: tiers that disagree with the reference table (TIER DISAGREES), tiers that could not be
read (TIER UNREAD), pages that failed to fetch or parse. Reads the cache; writes nothing."""

SUMMARY_HELP = """\
Publish the world summary of a whole-report crawl (DATA_DIR, e.g. data-world): tiers, narratives,
coverage and mentions of every country, and the sentences naming North Korean people or the North
Korean state; no paragraph text. It is small enough to commit (the weekly workflow does), so a hosted
dashboard's World and Compare pages show the whole report. Writes nothing when the crawl's tables
did not change."""

BENCH_HELP = """\
Time the scraper on a real-size synthetic site (scripts/make_realistic_pages.py: 150-400 KB pages of
filler text in the three eras' markup, served on 127.0.0.1; needs a checkout), each figure beside a
baseline timed in the same run: the page parser against a naive bs4 parser, a cold refresh against a
naive requests+bs4 scraper, a warm refresh against bare imports, revalidation, parse and the
analysis step. The same as python scripts/bench.py. Works in a temporary directory."""


# -- argument types -----------------------------------------------------------------------------
def _years_arg(text: str) -> list[int]:
    try:
        return parse_years(text)
    except YearsError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--years: ")) from None


def _countries_arg(text: str) -> str:
    try:
        slugs = parse_countries(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return "all" if slugs is None else ",".join(slugs)


def _non_negative(kind: type, maximum: float | None = None):
    """An argparse type: a finite number >= 0 (and <= maximum); nan, inf and words are refused."""
    def convert(text: str):
        try:
            value = kind(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a {kind.__name__}, got {text!r}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"must be a finite number, got {text!r}")
        if value < 0:
            raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"must be <= {maximum:g}, got {text}")
        return value
    convert.__name__ = kind.__name__
    return convert


def _positive_float(text: str, maximum: float | None = None) -> float:
    value = _non_negative(float, maximum)(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be > 0")
    return value


MAX_DELAY = MAX_BACKOFF = MAX_TIMEOUT = 3600.0  # seconds
MAX_RETRIES = 20
_delay_arg = _non_negative(float, MAX_DELAY)
_backoff_arg = _non_negative(float, MAX_BACKOFF)
_retries_arg = _non_negative(int, MAX_RETRIES)


def _timeout_arg(text: str) -> float:
    return _positive_float(text, MAX_TIMEOUT)


def _mirror_arg(text: str) -> str:
    """--mirror: normalised (spaces stripped, trailing '/' added); credentials and non-URLs refused."""
    try:
        return normalise_mirror(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _existing_file(text: str) -> Path:
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no such file: {text}")
    return path


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of `python -m scrapers`."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", type=Path, default=None, metavar="DIR",
                        help=f"data directory holding raw/ and the tables (default: {RULE})")
    common.add_argument("--countries", "--country", dest="countries", type=_countries_arg, default="china",
                        metavar="SLUGS",
                        help="whose narratives: a registry slug (china, north-korea, russia ...), several "
                             "joined by commas, or 'all' (every narrative each year's table of contents "
                             "lists); default: china. `python -m scrapers.countries NAME` shows a name's slug")
    inputs = argparse.ArgumentParser(add_help=False)
    inputs.add_argument("--lexicon", type=_existing_file, metavar="FILE",
                        help="lexicon of the analysis (default: DATA_DIR/lexicon.toml if present, else "
                             "the repository's data/lexicon.toml)")
    inputs.add_argument("--claims", type=_existing_file, metavar="FILE",
                        help="the essay's claims (default: DATA_DIR/essay/claims.csv if present, else "
                             "the repository's data/essay/claims.csv)")
    parser = argparse.ArgumentParser(prog="python -m scrapers", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", metavar="{refresh,parse,status,summary,bench}", required=True)
    fmt = argparse.RawDescriptionHelpFormatter
    p_refresh = commands.add_parser("refresh", parents=[common, inputs], help="fetch what is missing, then parse",
                                    description=REFRESH_HELP, formatter_class=fmt)
    p_refresh.add_argument("--years", type=_years_arg, metavar="YEARS",
                           help="2021, 2013-2021 or 2003,2012,2021 (default: every year from "
                                f"{FIRST_YEAR} to the newest report)")
    p_refresh.add_argument("--force", action="store_true", help="re-fetch pages even when cached")
    p_refresh.add_argument("--revalidate", action="store_true",
                           help="ask the server whether each cached narrative page changed (one conditional "
                                "GET per year: If-None-Match / If-Modified-Since); 304 changes nothing, a new "
                                "version replaces the cached page only if it parses and is logged in "
                                "raw/changes.csv")
    p_refresh.add_argument("--mirror", type=_mirror_arg, metavar="PREFIX",
                           help="fetch PREFIX + original URL instead, e.g. "
                                f"{WAYBACK_PREFIX} or http://127.0.0.1:PORT/ (both URLs are recorded)")
    p_refresh.add_argument("--delay", type=_delay_arg, default=FETCH_DEFAULTS.delay, metavar="SECONDS",
                           help=f"at most one request per SECONDS (default: {FETCH_DEFAULTS.delay:g})")
    p_refresh.add_argument("--retries", type=_retries_arg, default=FETCH_DEFAULTS.retries, metavar="N",
                           help=f"retries on connection errors, 429 and 5xx (default: {FETCH_DEFAULTS.retries})")
    p_refresh.add_argument("--backoff", type=_backoff_arg, default=FETCH_DEFAULTS.backoff_factor, metavar="SECONDS",
                           help=f"exponential backoff factor between retries (default: {FETCH_DEFAULTS.backoff_factor:g})")
    p_refresh.add_argument("--timeout", type=_timeout_arg, default=FETCH_DEFAULTS.deadline, metavar="SECONDS",
                           help=f"total time allowed per request, retries included (default: "
                                f"{FETCH_DEFAULTS.deadline:g}); each connect also times out after "
                                f"min(SECONDS, {FETCH_DEFAULTS.connect_timeout:g}) and each read after "
                                f"min(SECONDS, {FETCH_DEFAULTS.read_timeout:g})")
    p_refresh.add_argument("--wait", action="store_true",
                           help="if another run holds the data directory, wait for it instead of exiting 3")
    p_parse = commands.add_parser("parse", parents=[common, inputs], help="rebuild every table from data/raw, no network",
                                  description=PARSE_HELP, formatter_class=fmt)
    p_parse.add_argument("--wait", action="store_true",
                         help="if another run holds the data directory, wait for it instead of exiting 3")
    p_parse.add_argument("--verify", action="store_true",
                         help="hash every cached page again, trusting no stamp in raw/parsed/stamps.json (for a "
                              "page changed in place with its size, modification time and inode unchanged)")
    commands.add_parser("status", parents=[common], help="per year: cached?, tier, source URL, problems",
                        description=STATUS_HELP, formatter_class=fmt)
    p_summary = commands.add_parser("summary", parents=[common], help="publish a whole-report crawl's world summary",
                                    description=SUMMARY_HELP, formatter_class=fmt)
    p_summary.add_argument("--to", type=Path, default=None, metavar="DIR",
                           help="where the summary set goes (default: world/ in the default data directory, "
                                "which the dashboard's World and Compare pages read when it holds more "
                                "countries than the data directory itself)")
    p_bench = commands.add_parser("bench", parents=[common], help="time refresh, parse and analysis",
                                  description=BENCH_HELP, formatter_class=fmt)
    p_bench.add_argument("--rounds", type=_non_negative(int), default=3, metavar="N",
                         help="repetitions of the parse and analysis timings; best is shown (default: 3)")
    return parser


# -- progress -----------------------------------------------------------------------------------
def _outcome_line(outcome: YearOutcome) -> str:
    where = label(outcome.country, outcome.year)
    if outcome.status == PARSED:
        how = "cached" if outcome.from_cache else "fetched"
        return f"{where}: {how}" + (f" ({outcome.detail})" if outcome.detail else "")
    return f"{where}: {outcome.status.upper().replace('_', ' ')} - {outcome.detail}"


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

        self.bar = tqdm(total=len(years), unit="narrative", desc="refresh", leave=True, file=self.file)

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
def _print_bounded(lines: list[str], raw_dir: Path, name: str, out: TextIO) -> None:
    """Print `lines`, or the first few and the file under raw/lists/ that holds them all."""
    for line in bounded_lines(lines, raw_dir, name):
        print(line, file=out)


def _print_build_report(result: BuildResult, out: TextIO) -> None:
    raw = Path(result.data_dir) / "raw"
    _print_bounded([d.message() for d in result.disagreements], raw, "tier-disagreements", out)
    if result.unread_tier_years:
        years = bounded([label(c, y) for c, y in result.unread_tier_years], raw, "tier-unread", shown=20)
        print(f"TIER UNREAD in {years}: the tier could not be read from the page (tiers.csv shows the "
              "reference tier, origin=reference; see `status`)", file=out)
    _print_bounded([f"PARSE FAILED {label(country, year)}: {detail}"
                    for (country, year), detail in result.parse_failures.items()], raw, "parse-failures", out)
    _print_bounded([f"CACHE CORRUPT {label(country, year)}: {detail}; fix: {fix_command(year, country)}"
                    for (country, year), detail in result.corrupt_years.items()], raw, "cache-corrupt", out)
    _print_bounded([f"warning: {note}" for note in result.warnings], raw, "warnings", out)
    if result.error:
        print(f"ERROR: {result.error}", file=out)
    if result.tables is None:
        print(f"no tables in {result.data_dir}", file=out)
        return
    counts = ", ".join(f"{name} {rows}" for name, rows in sorted(result.row_counts.items()))
    how = "written" if result.rebuilt else "unchanged (nothing to rebuild)"
    print(f"tables {how}: {result.tables.dir} (generation {result.tables.generation}; rows: {counts}); "
          f"{result.parsed_now} page(s) parsed", file=out)


def print_refresh_summary(result: RefreshResult, out: TextIO) -> None:
    """The refresh summary: counts, every failed year and why, loud tier problems, tables written."""
    parsed = [o for o in result.outcomes if o.status == PARSED]
    fetched = sum(1 for o in parsed if not o.from_cache)
    asked = (f"{len(result.years_asked)} year(s) asked" if "," not in result.country and result.country != "all"
             else f"{len(result.outcomes)} narrative(s) of {len(result.years_asked)} year(s) asked")
    unlisted = sum(o.status == NOT_LISTED for o in result.outcomes)
    print(f"\n{result.country}: {asked}; {len(parsed)} parsed ({fetched} fetched, {len(parsed) - fetched} from "
          f"cache); " + (f"{unlisted} not in that year's report; " if unlisted else "")
          + f"{len(result.failed)} failed; {result.requests_made} request(s)", file=out)
    if result.not_modified or result.changed:
        print(f"revalidated: {result.not_modified} unchanged, {len(result.changed)} changed "
              f"({', '.join(label(o.country, o.year) for o in result.changed) or 'none'}; see raw/changes.csv)", file=out)
    if result.newest_year is not None:
        print(f"newest report year found: {result.newest_year}", file=out)
    _print_bounded([f"FAILED {label(o.country, o.year)} ({o.status}): {o.detail}" for o in result.failed],
                   Path(result.build.data_dir) / "raw", "failures", out)
    _print_build_report(result.build, out)


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
    if report.tables is not None:
        m = report.tables.manifest
        print(f"tables: {report.tables.dir} (generation {m.generation}, {m.created_at})", file=out)


def print_overview(rows: list[CountrySummary], out: TextIO, raw_dir: Path | None = None) -> None:
    """`status --countries all|A,B`: one line per country, then the problems (the first few, and
    all of them in raw/lists/status-problems.txt when there are many and `raw_dir` is given)."""
    print(f"{'country':<28}{'iso3':<6}{'parsed':>7}{'problems':>9}  {'latest tier':<38}parsed years", file=out)
    for row in rows:
        latest = f"{row.latest_tier} ({row.latest_year}, {row.latest_origin})" if row.latest_tier else "-"
        print(f"{row.country:<28}{row.iso3:<6}{row.parsed:>7}{len(row.problems):>9}  {latest:<38}{row.years}",
              file=out)
    problems = [(row.country, p) for row in rows for p in row.problems]
    if problems:
        print(f"\n{len(problems)} problem(s):", file=out)
        lines = [f"{country}: {problem}" for country, problem in problems]
        for line in bounded_lines(lines, raw_dir, "status-problems") if raw_dir is not None else lines:
            print(line, file=out)


# -- main ---------------------------------------------------------------------------------------
def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.command == "refresh":
        config = FetchConfig(delay=args.delay, retries=args.retries, backoff_factor=args.backoff,
                             connect_timeout=min(args.timeout, FETCH_DEFAULTS.connect_timeout),
                             read_timeout=min(args.timeout, FETCH_DEFAULTS.read_timeout), deadline=args.timeout,
                             mirror=args.mirror)
        progress = BarProgress(err) if err.isatty() else LineProgress(out)
        result = refresh(args.data_dir, args.countries, args.years, force=args.force,
                         revalidate=args.revalidate, fetch_config=config, progress=progress,
                         lexicon=args.lexicon, claims=args.claims, wait=args.wait)
        print_refresh_summary(result, out)
        return EXIT_OK if result.ok else EXIT_FAILED
    if args.command == "parse":
        result = parse(args.data_dir, args.countries, lexicon=args.lexicon, claims=args.claims, wait=args.wait,
                       verify=args.verify)
        print(f"{result.country}: parsed {len(result.parsed_years)} year(s) from {args.data_dir}/raw: "
              + (", ".join(map(str, result.parsed_years)) or "none"), file=out)
        _print_build_report(result, out)
        return EXIT_OK if result.ok else EXIT_FAILED
    if args.command == "status":
        if args.countries == "all" or "," in args.countries:
            print_overview(status_overview(args.data_dir, args.countries), out, Path(args.data_dir) / "raw")
        else:
            print_status(status(args.data_dir, args.countries), out)
        return 0
    if args.command == "summary":
        from scrapers.summary import export_world_summary

        summary, written = export_world_summary(args.data_dir, args.to)
        rows = ", ".join(f"{name} {info.rows}" for name, info in sorted(summary.manifest.tables.items()))
        print(f"world summary {'written' if written else 'unchanged'}: {summary.dir} (rows: {rows})", file=out)
        return EXIT_OK
    if args.command == "bench":
        from scrapers.bench import run_bench

        return run_bench(data_dir=args.data_dir, country=args.countries.split(",")[0], rounds=max(1, args.rounds), out=out)
    raise AssertionError(args.command)


def _data_dir_problem(args: argparse.Namespace) -> str:
    """Why --data-dir cannot serve this command ('' when it can): parse and status need an existing
    directory; refresh creates a missing one but never writes over a file."""
    path = getattr(args, "data_dir", None)
    if path is None or path.is_dir():
        return ""
    if path.exists():
        return f"{path}: not a directory (it is a file)"
    if args.command in ("parse", "status", "summary"):
        return (f"{path}: not a directory (it does not exist; `python -m scrapers refresh --data-dir "
                f"{path}` creates it)")
    return ""


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 1 some years failed, 2 bad arguments)."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return int(exc.code or 0)
    if getattr(args, "data_dir", "") is None:  # one rule with the dashboard (scrapers.datadir)
        args.data_dir = default_data_dir()
    if getattr(args, "to", "") is None:
        args.to = default_data_dir() / SUMMARY_DIR
    problem = _data_dir_problem(args)
    if problem:
        print(f"error: argument --data-dir: {problem}", file=err)
        return EXIT_USAGE
    try:
        return _run(args, out, err)
    except RunLocked as exc:
        print(f"error: {exc}", file=err)
        return EXIT_LOCKED
    except KeyboardInterrupt:
        print("\ninterrupted: pages fetched so far are kept in the cache; run the command again to "
              "continue", file=err)
        return 130
    except (ScraperError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=err)
        return 1
