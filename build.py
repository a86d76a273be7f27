#!/usr/bin/env python3
"""Build the 協働事例集 site: ``python build.py --help``."""

import sys

from kyodo.cli import main

if __name__ == "__main__":
    sys.exit(main())
