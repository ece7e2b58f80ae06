"""The command line: ``demo`` runs the whole train-publish-predict scenario, ``emulator`` serves the emulator.

It sits on top of everything else; nothing in the library imports it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .._version import __version__

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m customvision_rest",
        description="customvision-rest: Azure AI Custom Vision from Python, with an offline emulator.",
    )
    parser.add_argument("--version", action="version", version=f"customvision-rest {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="train a fruit classifier, publish it and classify new images (on the emulator unless VISION_* are set)",
        description=(
            "Create a project with the tags apple, banana and orange, upload generated images, train and wait, "
            "publish, classify held-out images and print the results. Runs against Azure when VISION_TRAINING_*, "
            "VISION_PREDICTION_* and VISION_PREDICTION_RESOURCE_ID are set, otherwise on the in-process emulator."
        ),
    )
    demo.add_argument("--images-per-tag", type=int, default=8, help="training images per tag (default 8, at least 5)")
    demo.add_argument("--test-images-per-tag", type=int, default=2, help="held-out images per tag (default 2)")
    demo.add_argument("--keep", action="store_true", help="keep the project and the publication afterwards")
    demo.add_argument("--timeout", type=float, default=1800.0, help="seconds to wait for training (default 1800)")
    demo.add_argument("--emulator", action="store_true", help="use the emulator even when VISION_* variables are set")
    commands.add_parser(
        "emulator",
        help="serve the Custom Vision emulator over HTTP (see --help of the command)",
        add_help=False,
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["emulator"]:
        from ..emulator._cli import run_server

        return run_server(args[1:])
    options = _parser().parse_args(args)
    from .demo import run_demo

    return run_demo(
        images_per_tag=options.images_per_tag,
        test_images_per_tag=options.test_images_per_tag,
        keep=options.keep,
        timeout=options.timeout,
        force_emulator=options.emulator,
    )
