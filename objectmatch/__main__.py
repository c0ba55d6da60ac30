"""``python -m objectmatch``: the same command line as the ``objectmatch`` script."""

from __future__ import annotations

from objectmatch.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
