#!/usr/bin/env python3
"""Build, check or preview the Milamore help center. Run `python build.py --help`."""

import sys

from helpcenter.cli import main

if __name__ == "__main__":
    sys.exit(main())
