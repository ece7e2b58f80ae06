"""What every command shares: credentials, the clients, output (text, ``--json``, progress) and exit codes.

Exit codes: 0 success, 1 the service (or the network) failed the request, 2 a usage or configuration error
(bad arguments, missing or invalid credentials, a name that matches no project), 3 a deadline passed, 130
interrupted. An expected failure is printed as one line, ``error: <code>: <message>``, never as a traceback;
with ``--json`` the same error is also written to standard output as ``{"error": {...}}``.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, TypeVar

import click

from .. import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ConfigurationError,
    CustomVisionError,
    PollingTimeoutError,
    PredictionClient,
    Resource,
    ResourceKind,
    TrainingClient,
)
from ..models import CustomVisionModel
from ..models.training import Iteration, Project

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_SERVICE",
    "EXIT_TIMEOUT",
    "EXIT_USAGE",
    "VARIABLES",
    "CliError",
    "Session",
    "command",
    "jsonable",
    "pass_session",
]

EXIT_OK = 0
EXIT_SERVICE = 1
EXIT_USAGE = 2
EXIT_TIMEOUT = 3
EXIT_INTERRUPTED = 130

VARIABLES = {
    "training_endpoint": "VISION_TRAINING_ENDPOINT",
    "training_key": "VISION_TRAINING_KEY",
    "prediction_endpoint": "VISION_PREDICTION_ENDPOINT",
    "prediction_key": "VISION_PREDICTION_KEY",
    "prediction_resource_id": "VISION_PREDICTION_RESOURCE_ID",
}
"""Each connection option and the environment variable it falls back to (those of Microsoft's quickstarts)."""

F = TypeVar("F", bound=Callable[..., Any])


class CliError(Exception):
    """An expected failure: printed as ``error: <message>`` and turned into ``exit_code``."""

    def __init__(self, message: str, *, exit_code: int = EXIT_USAGE, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.code = code


def jsonable(value: Any) -> Any:
    """Models as their wire JSON (camelCase, no nulls); containers walked; UUIDs and paths as strings."""
    if isinstance(value, CustomVisionModel):
        return value.to_wire()
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


@dataclass
class Session:
    """The options given to the root command, and the clients built from them on first use."""

    options: dict[str, str | None]
    kind: ResourceKind | None = None
    entra_id: bool = False
    as_json: bool = False
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    _clients: list[Any] = field(default_factory=list)

    # ------------------------------------------------------------------ settings

    def value(self, name: str) -> str | None:
        """An option's value: given on the command line, else its ``VISION_*`` variable, else ``None``."""
        given = self.options.get(name)
        if given:
            return given
        return self.environ.get(VARIABLES[name]) or None

    def _require(self, *names: str) -> list[str]:
        missing = [f"--{name.replace('_', '-')} (or {VARIABLES[name]})" for name in names if not self.value(name)]
        if missing:
            raise CliError("missing " + ", ".join(missing))
        return [self.value(name) or "" for name in names]

    def _credential(self, key: str) -> Any:
        if not self.entra_id:
            return key
        try:
            from azure.identity import DefaultAzureCredential  # type: ignore[import-not-found,unused-ignore]
        except ImportError:
            raise CliError("--entra-id needs azure-identity: pip install azure-identity") from None
        return DefaultAzureCredential()

    def training_resource(self) -> Resource:
        """The training resource from the options or the environment."""
        if self.entra_id:
            (endpoint,) = self._require("training_endpoint")
            key = ""
        else:
            endpoint, key = self._require("training_endpoint", "training_key")
        kind = self.kind or ResourceKind.TRAINING
        return _resource(kind, endpoint, self._credential(key), None)

    def prediction_resource(self, *, need_resource_id: bool = False) -> Resource:
        """The prediction resource; ``need_resource_id`` for publishing, which addresses it by resource id."""
        if self.entra_id:
            (endpoint,) = self._require("prediction_endpoint")
            key = ""
        else:
            endpoint, key = self._require("prediction_endpoint", "prediction_key")
        if need_resource_id:
            self._require("prediction_resource_id")
        kind = self.kind or ResourceKind.PREDICTION
        return _resource(kind, endpoint, self._credential(key), self.value("prediction_resource_id"))

    def trainer(self) -> TrainingClient:
        """A training client, closed when the command ends."""
        client = TrainingClient(self.training_resource())
        self._clients.append(client)
        return client

    def predictor(self) -> PredictionClient:
        """A prediction client, closed when the command ends."""
        client = PredictionClient(self.prediction_resource())
        self._clients.append(client)
        return client

    def close(self) -> None:
        """Close every client this session opened."""
        while self._clients:
            self._clients.pop().close()

    # ------------------------------------------------------------------ output

    @property
    def interactive(self) -> bool:
        """Whether to draw progress: standard error is a terminal and the output is for a person."""
        return not self.as_json and sys.stderr.isatty()

    def info(self, text: str) -> None:
        """A line for a person: on standard output, or on standard error with ``--json``."""
        click.echo(text, err=self.as_json)

    def emit(self, data: Any, text: Callable[[], str] | str | None = None) -> None:
        """The command's result: ``data`` as JSON with ``--json``, otherwise ``text`` (or ``data``) for a person."""
        if self.as_json:
            click.echo(json.dumps(jsonable(data), indent=2, sort_keys=False))
            return
        rendered = text() if callable(text) else text
        if rendered is None:
            rendered = json.dumps(jsonable(data), indent=2)
        if rendered:
            click.echo(rendered)

    @contextmanager
    def progress(self, label: str, total: int | None) -> Iterator[Callable[[int], None]]:
        """A progress bar on a terminal, nothing otherwise; yields ``update(done)`` with the count so far."""
        if not self.interactive or total is None:
            yield lambda done: None
            return
        with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
            seen = 0

            def update(done: int) -> None:
                nonlocal seen
                if done > seen:
                    bar.update(done - seen)
                    seen = done

            yield update

    # ------------------------------------------------------------------ look-ups

    def project(self, trainer: TrainingClient, reference: str) -> Project:
        """A project by id, or by its exact name (which must be unique)."""
        if _is_uuid(reference):
            return trainer.get_project(reference)
        matches = [project for project in trainer.get_projects() if project.name == reference]
        if not matches:
            raise CliError(f"no project named {reference!r} (give its name exactly, or its id)")
        if len(matches) > 1:
            ids = ", ".join(str(project.id) for project in matches)
            raise CliError(f"{len(matches)} projects are named {reference!r}: give the id ({ids})")
        return matches[0]

    def project_id(self, trainer: TrainingClient | None, reference: str) -> str:
        """A project id: the reference itself when it is an id, else looked up by name."""
        if _is_uuid(reference):
            return reference
        if trainer is None:
            trainer = self.trainer()
        return str(self.project(trainer, reference).id)

    def iteration(self, trainer: TrainingClient, project_id: str, reference: str | None) -> Iteration:
        """An iteration by id or name; ``None`` means the newest completed one."""
        iterations = trainer.get_iterations(project_id)
        if reference is None:
            completed = [it for it in iterations if it.is_completed]
            if not completed:
                raise CliError("the project has no trained iteration yet: run `customvision-rest train` first")
            return max(completed, key=lambda it: it.trained_at or it.created or _EPOCH)
        for iteration in iterations:
            if str(iteration.id) == reference or iteration.name == reference:
                return iteration
        raise CliError(f"the project has no iteration {reference!r} (give its id or its name)")


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _resource(kind: ResourceKind, endpoint: str, credential: Any, resource_id: str | None) -> Resource:
    builders = {
        ResourceKind.TRAINING: Resource.training,
        ResourceKind.PREDICTION: Resource.prediction,
        ResourceKind.MULTI_SERVICE: Resource.multi_service,
        ResourceKind.AI_SERVICES: Resource.ai_services,
    }
    return builders[kind](endpoint, credential, resource_id=resource_id)


def _describe(error: BaseException) -> tuple[int, dict[str, Any]]:
    """The exit code and the JSON description of an expected failure."""
    if isinstance(error, CliError):
        return error.exit_code, {"type": "UsageError", "code": error.code, "message": error.message}
    if isinstance(error, click.UsageError):
        return EXIT_USAGE, {"type": "UsageError", "code": None, "message": error.format_message()}
    if isinstance(error, (PollingTimeoutError, APITimeoutError)):
        return EXIT_TIMEOUT, {"type": type(error).__name__, "code": None, "message": str(error)}
    if isinstance(error, APIStatusError):
        return EXIT_SERVICE, {
            "type": type(error).__name__,
            "status": error.status_code,
            "code": error.code,
            "message": error.message,
            "requestId": error.request_id,
        }
    if isinstance(error, APIConnectionError):
        return EXIT_SERVICE, {"type": type(error).__name__, "code": None, "message": str(error)}
    if isinstance(error, ConfigurationError | ValueError) and isinstance(error, CustomVisionError):
        return EXIT_USAGE, {"type": type(error).__name__, "code": None, "message": str(error)}
    return EXIT_SERVICE, {"type": type(error).__name__, "code": None, "message": str(error)}


EXPECTED: tuple[type[BaseException], ...] = (CliError, CustomVisionError, OSError)


def report_failure(error: BaseException, *, as_json: bool) -> int:
    """Print an expected failure (one line on standard error; JSON on standard output too) and return its code."""
    if isinstance(error, OSError) and not isinstance(error, CustomVisionError):
        exit_code, detail = EXIT_USAGE, {"type": type(error).__name__, "code": None, "message": str(error)}
    else:
        exit_code, detail = _describe(error)
    head = f"{detail['code']}: " if detail.get("code") else ""
    status = f" (HTTP {detail['status']})" if detail.get("status") else ""
    click.echo(f"error: {head}{detail['message']}{status}", err=True)
    if as_json:
        click.echo(json.dumps({"error": detail}, indent=2))
    return exit_code


pass_session = click.make_pass_decorator(Session)


def _json_option(function: F) -> F:
    def remember(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
        session = ctx.find_object(Session)
        if value and session is not None:
            session.as_json = True
        return value

    decorated: F = click.option(
        "--json",
        "as_json",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=remember,
        help="print the result as JSON on standard output (messages go to standard error)",
    )(function)
    return decorated


def command(group: click.Group, name: str, **settings: Any) -> Callable[[F], click.Command]:
    """Register a leaf command on ``group`` with the ``--json`` option every command has."""

    def register(function: F) -> click.Command:
        return group.command(name, **settings)(_json_option(function))

    return register


def names(values: Sequence[str]) -> list[str]:
    """Split comma-separated option values and drop blanks: ``--tag a,b --tag c`` is ``[a, b, c]``."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]
