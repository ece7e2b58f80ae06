"""The command line, ``customvision-rest`` (or ``python -m customvision_rest``): the whole workflow from a terminal.

One module per command group (``projects``, ``tags``, ``images``, ``training``, ``predict``, ``check``,
``demo``, ``emulator``), registered in :mod:`._app`. It needs click (``pip install 'customvision-rest[cli]'``);
the ``emulator`` command alone runs without it. It sits on top of everything else; nothing in the library
imports it.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None, *, environ: Mapping[str, str] | None = None) -> int:
    """Run the command line and return the process exit code (see ``docs/cli.md`` for their meaning).

    Args:
        argv: the arguments after the program name; ``sys.argv[1:]`` by default.
        environ: where the ``VISION_*`` variables are read; ``os.environ`` by default.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["emulator"]:  # the emulator has its own command line, and needs no click
        from .emulator import run_emulator

        return run_emulator(args[1:])
    try:
        import click  # noqa: F401
    except ImportError:
        print(
            "error: the command line needs click: pip install 'customvision-rest[cli]' "
            "(or '[demo]' for the demo with the emulator)",
            file=sys.stderr,
        )
        return 2
    from ._app import run

    return run(args, environ=environ)
