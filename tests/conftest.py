"""Fixtures shared by the whole suite, and the rule for the reference data in ``../shared``.

Many tests are generated from Microsoft's specs and the recorded exchanges in ``../shared``. Without it they are
neither collected nor run: outside CI the run says so in its header and the remaining cases skip with a reason;
under CI (``CI=true``) the run stops at once, since a green run that silently left out hundreds of tests proves
little.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
_ABSENT = (
    f"reference data not found at {SHARED} (../shared beside the repository): the tests generated from the "
    "specs and recordings are not collected and the ones that read them are skipped"
)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def pytest_configure(config: pytest.Config) -> None:
    if not SHARED.is_dir() and _in_ci():
        raise pytest.UsageError(f"CI=true and {_ABSENT}. Put the reference data beside the repository.")


def pytest_report_header(config: pytest.Config) -> str | None:
    if SHARED.is_dir():
        return f"reference data: {SHARED}"
    return f"WARNING: {_ABSENT}"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not SHARED.is_dir():
        terminalreporter.write_line(f"WARNING: {_ABSENT}", yellow=True)


@pytest.fixture
def shared() -> Path:
    """The reference data beside the repository (spec, recordings, datasets); skips when absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared not found: reference data absent")
    return SHARED
