"""Fixtures shared by the whole suite, and the rule for the reference data in ``../shared``.

Many tests are generated from Microsoft's specs and the recorded exchanges in ``../shared``. Without it they are
neither collected nor run: outside CI the run says so in its header and the remaining cases skip with a reason;
under CI (``CI=true``) the run stops at once, since a green run that silently left out hundreds of tests proves
little.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
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


@pytest.fixture(autouse=True, scope="session")
def _one_ssl_context_per_configuration() -> Iterator[None]:
    """Build each distinct SSL context once for the whole run instead of once per client.

    Every ``httpx.Client`` builds an SSL context, which loads the CA bundle; the suite builds hundreds of clients
    that never open a TLS connection (they talk to respx or to the emulator on plain loopback HTTP), and this
    was half of its time. An ``ssl.SSLContext`` may be shared between clients. httpx looks the function up in
    its transport module, so that is where it is replaced.
    """
    from httpx._transports import default as transports  # private: a test-speed measure only

    original = getattr(transports, "create_ssl_context", None)
    if original is None:  # another httpx layout: nothing to speed up
        yield
        return
    built: dict[object, object] = {}

    def cached(*args: object, **kwargs: object) -> object:
        try:
            key = (args, tuple(sorted(kwargs.items())))
            hash(key)
        except TypeError:
            return original(*args, **kwargs)
        if key not in built:
            built[key] = original(*args, **kwargs)
        return built[key]

    transports.create_ssl_context = cached
    try:
        yield
    finally:
        transports.create_ssl_context = original


@pytest.fixture
def no_collector() -> Iterator[None]:
    """Only reference counting frees memory: anything kept by a reference cycle stays visible."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
