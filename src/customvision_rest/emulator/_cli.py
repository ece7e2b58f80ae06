"""`run_server`: the command-line face of the emulator (wired to `python -m customvision_rest emulator`).

Every option of `Emulator` is a flag or a key of a TOML file given with `--config`; flags win over the file.
Ordinary mistakes (a port in use, a data directory that cannot be written, the `emulator` extra missing, a bad
option or file) print one line on stderr and return a non-zero exit code.
"""

from __future__ import annotations

import argparse
import errno
import signal
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import FrameType
from typing import IO, TYPE_CHECKING, Any

from ._faults import FaultInjection
from ._latency import ServiceLatency
from ._resources import KINDS, TIERS

if TYPE_CHECKING:
    from ._emulator import Emulator

DEFAULT_TRAINING_KEY = "emulator-training-key"
DEFAULT_PREDICTION_KEY = "emulator-prediction-key"
_FAULT_FIELDS = {f.name for f in fields(FaultInjection)}
_LATENCY_FIELDS = {f.name for f in fields(ServiceLatency)}
_TOP_LEVEL = {
    "host",
    "port",
    "training_key",
    "prediction_key",
    "data_dir",
    "min_training_seconds",
    "tier",
    "throttle",
    "seed",
    "faults",
    "latency",
    "resources",
    "accepted_tokens",
    "arm_tokens",
}


class UsageError(Exception):
    """A mistake in the options or the configuration file: reported as one line."""


@dataclass
class ExtraResource:
    """A resource added with `--resource` or `[[resources]]`."""

    name: str
    kind: str
    key: str = field(repr=False)
    tier: str = "S0"


@dataclass
class Settings:
    """Everything the command line can set, after merging the file and the flags."""

    host: str = "127.0.0.1"
    port: int = 5000
    training_key: str = field(default=DEFAULT_TRAINING_KEY, repr=False)
    prediction_key: str = field(default=DEFAULT_PREDICTION_KEY, repr=False)
    data_dir: str | None = None
    min_training_seconds: float = 0.0
    tier: str = "S0"
    throttle: bool = False
    seed: int = 0
    faults: FaultInjection | None = None
    latency: ServiceLatency = field(default_factory=ServiceLatency)
    resources: list[ExtraResource] = field(default_factory=list)
    accepted_tokens: dict[str, str] = field(default_factory=dict, repr=False)
    arm_tokens: dict[str, str] = field(default_factory=dict, repr=False)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="customvision-rest emulator",
        description="Run the offline Custom Vision emulator over HTTP. Flags override the --config file.",
    )
    parser.add_argument("--config", help="a TOML file with any of the settings below (see docs/emulator.md)")
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default 5000; 0 picks a free port)")
    parser.add_argument("--training-key", help="key of the default training resource")
    parser.add_argument("--prediction-key", help="key of the default prediction resource")
    parser.add_argument("--data-dir", help="persist the state in this directory (default: in memory)")
    parser.add_argument("--min-training-seconds", type=float, help="training, exports and imports take this long")
    parser.add_argument("--tier", choices=TIERS, help="pricing tier of the default resources (default S0)")
    parser.add_argument("--throttle", action="store_true", default=None, help="enforce the tier's rate limits (429)")
    parser.add_argument("--seed", type=int, help="seed of training (fold split, detector crops)")
    faults = parser.add_argument_group("fault injection (a share of requests, drawn from --fault-seed)")
    faults.add_argument("--fault-seed", type=int, help="seed of the fault draws (default 0)")
    faults.add_argument("--throttle-rate", type=float, help="share answered 429 with Retry-After")
    faults.add_argument("--retry-after-seconds", type=int, help="the Retry-After of injected 429s (default 1)")
    faults.add_argument("--unavailable-rate", type=float, help="share answered 503")
    faults.add_argument("--drop-rate", type=float, help="share whose connection is closed without an answer")
    faults.add_argument("--delay-rate", type=float, help="share answered late")
    faults.add_argument("--delay-seconds", type=float, help="how late (default 0.5)")
    latency = parser.add_argument_group("simulated service time, in seconds")
    latency.add_argument("--latency-prediction", type=float, help="added to each prediction call")
    latency.add_argument("--latency-upload", type=float, help="added to each image upload call (per batch)")
    latency.add_argument("--latency-other", type=float, help="added to every other training call")
    access = parser.add_argument_group("more resources and credentials")
    access.add_argument(
        "--resource",
        action="append",
        default=[],
        metavar="NAME:KIND:KEY[:TIER]",
        help=f"add a resource; KIND is one of {', '.join(KINDS)} (repeatable)",
    )
    access.add_argument(
        "--accept-token",
        action="append",
        default=[],
        metavar="TOKEN=RESOURCE",
        help="accept `Authorization: Bearer TOKEN` for the named resource (repeatable)",
    )
    access.add_argument(
        "--arm-token",
        action="append",
        default=[],
        metavar="TOKEN[=ROLE]",
        help="accept TOKEN on the emulated Resource Manager, with ROLE (default Contributor; Reader may only look)",
    )
    return parser


def _read_toml(path: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10 has no TOML reader of its own
        try:
            import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]
        except ModuleNotFoundError as error:
            raise UsageError("--config needs Python 3.11 or later, or: pip install tomli") from error
    try:
        with open(path, "rb") as handle:
            return dict(tomllib.load(handle))
    except OSError as error:
        raise UsageError(f"cannot read --config {path}: {error.strerror or error}") from error
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"--config {path} is not valid TOML: {error}") from error


def _table(config: Mapping[str, Any], name: str, allowed: set[str]) -> dict[str, Any]:
    table = config.get(name, {})
    if not isinstance(table, dict):
        raise UsageError(f"[{name}] in --config must be a table")
    unknown = set(table) - allowed
    if unknown:
        raise UsageError(f"unknown key(s) in [{name}] of --config: {', '.join(sorted(unknown))}")
    return dict(table)


def _resource(text: str) -> ExtraResource:
    parts = text.split(":")
    if len(parts) not in (3, 4) or not all(parts):
        raise UsageError(f"--resource must be NAME:KIND:KEY[:TIER], not {parts[0]}:...")
    return ExtraResource(*parts)


def _token(text: str) -> tuple[str, str]:
    token, separator, resource = text.rpartition("=")
    if not separator or not token or not resource:
        raise UsageError("--accept-token must be TOKEN=RESOURCE")
    return token, resource


def settings_from(argv: Sequence[str] | None) -> Settings:
    """Merge the `--config` file (if any) and the flags into `Settings`; raises `UsageError`."""
    options = _parser().parse_args(argv)
    config = _read_toml(options.config) if options.config else {}
    unknown = set(config) - _TOP_LEVEL
    if unknown:
        raise UsageError(f"unknown key(s) in --config: {', '.join(sorted(unknown))}")
    settings = Settings()
    for name in ("host", "port", "training_key", "prediction_key", "data_dir", "min_training_seconds", "tier"):
        value = getattr(options, name)
        setattr(settings, name, value if value is not None else config.get(name, getattr(settings, name)))
    settings.throttle = bool(options.throttle if options.throttle is not None else config.get("throttle", False))
    settings.seed = options.seed if options.seed is not None else int(config.get("seed", 0))
    if settings.tier not in TIERS:
        raise UsageError(f"tier must be one of {', '.join(TIERS)}")

    fault_values = _table(config, "faults", _FAULT_FIELDS)
    for flag, name in (
        ("fault_seed", "seed"),
        ("throttle_rate", "throttle_rate"),
        ("retry_after_seconds", "retry_after_seconds"),
        ("unavailable_rate", "unavailable_rate"),
        ("drop_rate", "drop_rate"),
        ("delay_rate", "delay_rate"),
        ("delay_seconds", "delay_seconds"),
    ):
        if getattr(options, flag) is not None:
            fault_values[name] = getattr(options, flag)
    latency_values = _table(config, "latency", _LATENCY_FIELDS)
    for flag, name in (
        ("latency_prediction", "prediction"),
        ("latency_upload", "upload_batch"),
        ("latency_other", "other"),
    ):
        if getattr(options, flag) is not None:
            latency_values[name] = getattr(options, flag)
    try:
        settings.faults = FaultInjection(**fault_values) if fault_values else None
        settings.latency = ServiceLatency(**latency_values)
    except (TypeError, ValueError) as error:
        raise UsageError(str(error)) from error

    configured = config.get("resources", [])
    if not isinstance(configured, list) or not all(isinstance(item, dict) for item in configured):
        raise UsageError("resources in --config must be an array of tables ([[resources]])")
    for item in configured:
        if set(item) - {"name", "kind", "key", "tier"} or not {"name", "kind", "key"} <= set(item):
            raise UsageError("each [[resources]] needs name, kind and key (and may have tier)")
        settings.resources.append(ExtraResource(**{k: str(v) for k, v in item.items()}))
    settings.resources += [_resource(text) for text in options.resource]
    tokens = config.get("accepted_tokens", {})
    if not isinstance(tokens, dict):
        raise UsageError("accepted_tokens in --config must be a table of token = resource name")
    settings.accepted_tokens = {str(token): str(name) for token, name in tokens.items()}
    settings.accepted_tokens.update(_token(text) for text in options.accept_token)
    arm = config.get("arm_tokens", {})
    if not isinstance(arm, dict):
        raise UsageError("arm_tokens in --config must be a table of token = role")
    settings.arm_tokens = {str(token): str(role) for token, role in arm.items()}
    for text in options.arm_token:
        token, _, role = text.partition("=")
        if not token:
            raise UsageError("--arm-token must be TOKEN or TOKEN=ROLE")
        settings.arm_tokens[token] = role or "Contributor"
    return settings


def _check_data_dir(data_dir: str) -> None:
    path = Path(data_dir)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as error:
        raise UsageError(f"cannot write to --data-dir {data_dir}: {error.strerror or error}") from error


def build_emulator(settings: Settings) -> Emulator:
    """The `Emulator` the settings describe; raises `UsageError` for a mistake and `ImportError` without numpy or
    Pillow (with the `pip install` that fixes it)."""
    from . import load

    emulator_class: type[Emulator] = load("._emulator").Emulator
    if settings.data_dir is not None:
        _check_data_dir(settings.data_dir)
    emulator = emulator_class(
        training_key=settings.training_key,
        prediction_key=settings.prediction_key,
        data_dir=settings.data_dir,
        min_training_seconds=settings.min_training_seconds,
        tier=settings.tier,
        throttle=settings.throttle,
        faults=settings.faults,
        seed=settings.seed,
        latency=settings.latency,
        arm_tokens=settings.arm_tokens,
    )
    try:
        for extra in settings.resources:
            emulator.add_resource(extra.name, extra.kind, extra.key, extra.tier)
        known = {resource.name for resource in emulator.resources}
        for name in settings.accepted_tokens.values():
            if name not in known:
                raise UsageError(f"an accepted token names the unknown resource {name!r}")
        emulator.accept_tokens(settings.accepted_tokens)
    except ValueError as error:
        emulator.close()
        raise UsageError(str(error)) from error
    except UsageError:
        emulator.close()
        raise
    return emulator


def banner(emulator: Emulator, endpoint: str, settings: Settings) -> list[str]:
    """What the server prints at start: the endpoint, each resource, which keys are set (never a key)."""
    lines = [f"Custom Vision emulator listening on {endpoint}"]
    defaults = {DEFAULT_TRAINING_KEY, DEFAULT_PREDICTION_KEY}
    tokens_by_resource: dict[str, int] = {}
    for name in settings.accepted_tokens.values():
        tokens_by_resource[name] = tokens_by_resource.get(name, 0) + 1
    for resource in emulator.resources:
        key_state = "default key" if resource.key in defaults else "key set"
        tokens = tokens_by_resource.get(resource.name, 0)
        token_note = f", {tokens} bearer token(s)" if tokens else ""
        lines.append(f"  {resource.name} ({resource.kind}, {resource.tier}, {key_state}{token_note})")
        lines.append(f"    resource id {resource.resource_id}")
    lines.append(f"  publish to predictionId={emulator.prediction_resource.resource_id}")
    extras = []
    if settings.data_dir:
        extras.append(f"state in {settings.data_dir}")
    if settings.throttle:
        extras.append(f"throttled at {settings.tier} limits")
    if settings.faults is not None:
        extras.append("fault injection on")
    if settings.arm_tokens:
        extras.append(
            f"Resource Manager under {endpoint.rstrip('/')}/subscriptions/ ({len(settings.arm_tokens)} token(s))"
        )
    if settings.latency != ServiceLatency():
        latency = settings.latency
        extras.append(
            f"service time {latency.prediction}s/prediction, {latency.upload_batch}s/upload, {latency.other}s/other"
        )
    if extras:
        lines.append("  " + "; ".join(extras))
    return lines


def _fail(message: str, stream: IO[str]) -> int:
    print(f"customvision-rest emulator: error: {message}", file=stream, flush=True)
    return 1


def run_server(argv: list[str] | None = None, *, stop: threading.Event | None = None) -> int:
    """Parse arguments, serve until Ctrl-C or SIGTERM (or until `stop` is set), and return the exit code."""
    try:
        settings = settings_from(argv)
        emulator = build_emulator(settings)
    except (UsageError, ImportError) as error:
        return _fail(str(error), sys.stderr)
    try:
        server = emulator.serve(settings.host, settings.port)
    except OSError as error:
        emulator.close()
        if error.errno == errno.EADDRINUSE:
            return _fail(f"port {settings.port} on {settings.host} is in use; choose another with --port", sys.stderr)
        return _fail(f"cannot listen on {settings.host}:{settings.port}: {error.strerror or error}", sys.stderr)
    stop = stop or threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, request_stop)
    try:
        for line in banner(emulator, server.endpoint, settings):
            print(line, flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        server.shutdown()
        emulator.close()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    print("Custom Vision emulator stopped.", flush=True)
    return 0
