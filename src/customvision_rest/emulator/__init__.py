"""An offline emulator of the Azure AI Custom Vision service, for demos, end-to-end tests and trying clients.

It serves the Training API (v3.0 to v3.4-preview paths, v3.3 contract) and the Prediction API (v3.0, v3.1)
in-process through an httpx transport or over loopback HTTP, trains real (small, numpy) models from image pixels,
and can persist its state, throttle like the service's pricing tiers, simulate the service's latency and inject
faults. See docs/emulator.md.

    from customvision_rest.emulator import Emulator

    with Emulator() as emulator:
        client = httpx.Client(base_url="http://emulator", transport=emulator.transport())

The names that need the `emulator` extra (numpy, Pillow) are imported on first use, so that a missing extra is
reported as one clear `ImportError` naming the `pip install` that fixes it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._cli import run_server
from ._faults import FaultInjection
from ._latency import ServiceLatency
from ._resources import EmulatorResource

if TYPE_CHECKING:
    from ._cli import run_server
    from ._emulator import Emulator, EmulatorTransport
    from ._images import synthetic_fruit
    from ._server import EmulatorServer

__all__ = [
    "Emulator",
    "EmulatorResource",
    "EmulatorServer",
    "EmulatorTransport",
    "FaultInjection",
    "ServiceLatency",
    "run_server",
    "synthetic_fruit",
]

MISSING_EXTRA = 'the emulator needs the "emulator" extra (numpy, Pillow): pip install "customvision-rest[emulator]"'
_NEEDS_EXTRA = {
    "Emulator": "._emulator",
    "EmulatorTransport": "._emulator",
    "EmulatorServer": "._server",
    "run_server": "._cli",
    "synthetic_fruit": "._images",
}


def __getattr__(name: str) -> Any:
    module = _NEEDS_EXTRA.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(load(module), name)
    globals()[name] = value
    return value


def load(module: str) -> Any:
    """Import a module of this package that needs the extra; a missing numpy or Pillow is a clear ImportError."""
    try:
        return importlib.import_module(module, __name__)
    except ModuleNotFoundError as error:
        if error.name in ("numpy", "PIL"):
            raise ImportError(MISSING_EXTRA) from error
        raise
