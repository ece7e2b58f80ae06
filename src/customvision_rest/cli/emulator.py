"""``emulator``: serve the offline Custom Vision emulator over HTTP (its options belong to the emulator)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

__all__ = ["register", "run_emulator"]


def run_emulator(args: Sequence[str]) -> int:
    """Hand the arguments to the emulator's own command line; explain the extra to install if it is missing."""
    try:
        from ..emulator import run_server
    except ImportError as error:
        print(
            f"error: the emulator needs numpy and Pillow: pip install 'customvision-rest[emulator]' ({error})",
            file=sys.stderr,
        )
        return 2
    return run_server(list(args))


def register(root: click.Group) -> None:
    """Add ``emulator`` to the root command (its arguments are passed through untouched)."""

    @root.command(
        "emulator",
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []},
        add_help_option=False,
    )
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def emulator(args: tuple[str, ...]) -> int:
        """Serve the emulator over HTTP: `customvision-rest emulator --help` lists its options."""
        return run_emulator(args)
