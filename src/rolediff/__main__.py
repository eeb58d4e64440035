"""``python -m rolediff`` and the ``rolediff`` console script."""

import os
import sys


def main() -> None:
    from rolediff.cli import run

    code = run()
    # Skip the interpreter's teardown of every loaded module (about 50 ms for a command that is
    # done): flush what was printed and leave. Nothing rolediff runs relies on exit handlers;
    # pools, stores and progress bars are closed by their own context managers.
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader went away (`rolediff … | head`): nothing left to say
        pass
    os._exit(code)


if __name__ == "__main__":
    main()
