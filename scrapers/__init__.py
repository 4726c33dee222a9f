"""The scraper: fetch the TIP report's pages, keep them, parse each country's narrative, build tables.

Layers, lowest first. A module may import modules of its own layer and of lower layers, never of a
higher one; there is no import cycle, and no import of a scrapers module inside a function (which
would hide one), except the CLI's lazy imports of rarely used commands (start-up time) and the one
import of the rebuild (scrapers.build, which loads pandas and pyarrow) by scrapers.uptodate when the
tables are out of date (a run with nothing to rebuild never loads them), listed in LAZY_IMPORTS. tests/test_layers.py checks all of this, and that no module is over 450 lines.

  base       errors, models, workers        what every layer shares: error types, parse results,
                                            worker processes that die with their run
  text       parse.text, parse.tier_text,   page text with no country in view: normalising, tier
             parse.names, parse.sections,   phrases, name keys, section titles, bytes to text,
             parse.decode, parse.furniture, the page as blocks, page furniture left out
             parse.blocks
  countries  countries                      ONE Country type, from the registry (country_names.csv)
  parse      parse.tiers, parse.page,       a country's narrative and tier on one page; page jobs
             parse.jobs                     and the parser's key
  web        web.*                          the network: config, session, fetcher, failures in plain
                                            words, discovery of a year's narrative links
  store      store.*                        what is kept on disk: atomic files, the raw archive (its
                                            paths, CSV files), the parse store, the table set, the lock
  top        everything else                reading years from the cache (read, pool), the tables
                                            (uptodate, build, counting, tier_table), refresh, status, summary, cli
"""

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("scrapers.errors", "scrapers.models", "scrapers.workers")),
    ("text", ("scrapers.parse.text", "scrapers.parse.tier_text", "scrapers.parse.names", "scrapers.parse.sections",
              "scrapers.parse.decode", "scrapers.parse.furniture", "scrapers.parse.blocks")),
    ("countries", ("scrapers.countries",)),
    ("parse", ("scrapers.parse.tiers", "scrapers.parse.page", "scrapers.parse.jobs")),
    ("web", ("scrapers.web",)),
    ("store", ("scrapers.store",)),
    ("top", ("scrapers",)),
)
# (importing module, imported module) pairs imported inside a function on purpose: `python -m
# scrapers` starts without them (commands most runs never use; the rebuild, which a run with nothing
# changed never needs: pandas and pyarrow cost more than the rest of such a run).
LAZY_IMPORTS = frozenset({("scrapers.cli", "scrapers.summary"), ("scrapers.cli", "scrapers.bench"),
                          ("scrapers.uptodate", "scrapers.build")})
