"""``python -m burnout_replica <study>``: regenerate a study's synthetic raw folder.

The command line of :func:`burnout_replica.generate_study_replica` (``make replica STUDY=...``).
"""

from __future__ import annotations

import argparse
import sys

from burnout.core.errors import DataError
from burnout_replica import GENERATORS, generate_study_replica


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv``, regenerate the study's replica and print one line; return the status."""
    parser = argparse.ArgumentParser(
        prog="python -m burnout_replica",
        description="regenerate a study's synthetic raw data in data/raw/<study>/ (seed in "
                    "params/<study>.yaml)")
    parser.add_argument("study", help=f"one of: {', '.join(sorted(GENERATORS))}")
    args = parser.parse_args(argv)
    try:
        print(generate_study_replica(args.study))
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
