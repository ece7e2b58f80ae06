"""An offline emulator of the Azure AI Custom Vision service, for demos, end-to-end tests and trying clients.

It serves the Training API (v3.0 to v3.4-preview paths, v3.3 contract) and the Prediction API (v3.0, v3.1)
in-process through an httpx transport or over loopback HTTP, trains real (small, numpy) models from image pixels,
and can persist its state, throttle like the service's pricing tiers and inject faults. See docs/emulator.md.

    from customvision_rest.emulator import Emulator

    with Emulator() as emulator:
        client = httpx.Client(base_url="http://emulator", transport=emulator.transport())
"""

from ._emulator import Emulator
from ._faults import FaultInjection
from ._images import synthetic_fruit
from ._resources import EmulatorResource
from ._server import EmulatorServer

__all__ = ["Emulator", "EmulatorResource", "EmulatorServer", "FaultInjection", "synthetic_fruit"]
