"""``python -m govdecide``: the command line (see :mod:`govdecide.cli.common`)."""

import sys

from govdecide.cli import main

if __name__ == "__main__":
    sys.exit(main())
