"""`run_server`: the command-line face of the emulator (wired to `python -m customvision_rest emulator`)."""

from __future__ import annotations

import argparse
import signal
import threading
from types import FrameType

from ._emulator import Emulator


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="customvision-rest emulator", description="Run the offline Custom Vision emulator over HTTP."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000, help="0 picks a free port")
    parser.add_argument("--training-key", default="emulator-training-key")
    parser.add_argument("--prediction-key", default="emulator-prediction-key")
    parser.add_argument("--data-dir", default=None, help="persist the state here (default: in memory)")
    parser.add_argument("--min-training-seconds", type=float, default=0.0)
    parser.add_argument("--tier", choices=("F0", "S0"), default="S0")
    parser.add_argument("--throttle", action="store_true", help="enforce the tier's rate limits (429)")
    return parser


def run_server(argv: list[str] | None = None, *, stop: threading.Event | None = None) -> int:
    """Parse arguments, serve until Ctrl-C or SIGTERM (or until `stop` is set), and return the exit code 0."""
    options = _parser().parse_args(argv)
    stop = stop or threading.Event()
    emulator = Emulator(
        training_key=options.training_key,
        prediction_key=options.prediction_key,
        data_dir=options.data_dir,
        min_training_seconds=options.min_training_seconds,
        tier=options.tier,
        throttle=options.throttle,
    )
    server = emulator.serve(options.host, options.port)

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, request_stop)
    try:
        key_hint = options.training_key[:4] + "..." if len(options.training_key) > 8 else "(as given)"
        print(f"Custom Vision emulator listening on {server.endpoint}", flush=True)
        print(f"  Training-Key / Prediction-Key: the keys you passed (training key starts {key_hint})", flush=True)
        print(f"  publish to predictionId={emulator.prediction_resource.resource_id}", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        server.shutdown()
        emulator.close()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    print("Custom Vision emulator stopped.", flush=True)
    return 0
