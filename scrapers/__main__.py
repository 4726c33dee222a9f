"""Entry point of `python -m scrapers` (see scrapers/cli.py)."""
from __future__ import annotations

import sys

from scrapers.cli import main

if __name__ == "__main__":
    sys.exit(main())
