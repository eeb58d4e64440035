"""``python -m rolediff`` and the ``rolediff`` console script."""

import sys


def main() -> None:
    from rolediff.cli import run

    sys.exit(run())


if __name__ == "__main__":
    main()
