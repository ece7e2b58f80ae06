"""``python -m customvision_rest``: the command line (``demo``, ``emulator``)."""

from .cli import main

raise SystemExit(main())
