#!/usr/bin/env python3
"""Build the 協働事例集 site: ``python3 build.py --help`` (Windows: ``py build.py --help``)."""

import sys

from kyodo.launcher import start

if __name__ == "__main__":
    code = start(__file__, sys.argv[1:])   # hands over to .venv when there is one
    if code is not None:
        sys.exit(code)
    from kyodo.cli import run
    run()
