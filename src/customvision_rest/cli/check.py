"""``check``: is the configuration right? Which settings are there, and does each endpoint accept its credential?

It makes one cheap call to each endpoint (listing the projects; a prediction for a project that cannot exist, which
a valid key turns into "not found") and, when a key is refused, one more call to tell a wrong key from a key of
the other resource. It never prints a key.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import click

from .. import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    AzureResourceId,
    CustomVisionError,
    NotFoundError,
    PredictionClient,
    Resource,
    TrainingClient,
)
from ._context import EXIT_OK, EXIT_SERVICE, EXIT_USAGE, VARIABLES, CliError, Session, command, pass_session

__all__ = ["Finding", "register"]

# A 1x1 PNG: the smallest image a prediction accepts, for a call whose answer only tells whether the key is valid.
_PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415408d763f8ffff3f0005fe02fea7d6a4a70000000049454e44ae426082"
)


@dataclass
class Finding:
    """The outcome of one check: ``ok`` is ``None`` when the check could not run (a setting is missing)."""

    check: str
    ok: bool | None
    detail: str
    configuration: bool = False

    def as_dict(self) -> dict[str, object]:
        """The JSON form."""
        return {"check": self.check, "ok": self.ok, "detail": self.detail}


def _custom_subdomain(endpoint: str) -> bool:
    host = (urlsplit(endpoint).hostname or "").lower()
    return host.endswith(".cognitiveservices.azure.com") or host in {"localhost", "127.0.0.1", "::1"}


def _variables(session: Session) -> list[Finding]:
    findings = []
    for option, variable in VARIABLES.items():
        given = session.options.get(option)
        if given:
            where = f"--{option.replace('_', '-')}"
        elif session.environ.get(variable):
            where = variable
        else:
            needed = not (session.entra_id and option.endswith("_key"))
            detail = "not set" if needed else "not needed with --entra-id"
            findings.append(Finding(variable, False if needed else None, detail, configuration=needed))
            continue
        shown = "(set)" if option.endswith("_key") else session.value(option)
        findings.append(Finding(variable, True, f"{shown} from {where}"))
    return findings


def _resource_id(session: Session) -> Finding:
    value = session.value("prediction_resource_id")
    if not value:
        return Finding("prediction resource id", False, "not set: `publish` needs it", configuration=True)
    try:
        parsed = AzureResourceId.parse(value)
    except CustomVisionError as error:
        return Finding("prediction resource id", False, str(error), configuration=True)
    return Finding("prediction resource id", True, f"account {parsed.account_name} in {parsed.resource_group}")


def _entra_endpoints(session: Session) -> list[Finding]:
    findings = []
    for role in ("training", "prediction"):
        endpoint = session.value(f"{role}_endpoint")
        if endpoint and not _custom_subdomain(endpoint):
            findings.append(
                Finding(
                    f"{role} endpoint",
                    False,
                    f"{endpoint} is a regional endpoint: Entra ID tokens work only with a custom subdomain "
                    "(https://<resource name>.cognitiveservices.azure.com/)",
                    configuration=True,
                )
            )
    return findings


def _service_failure(error: CustomVisionError) -> str:
    if isinstance(error, APIStatusError):
        return f"{error.code or 'HTTP ' + str(error.status_code)}: {error.message}"
    if isinstance(error, APIConnectionError):
        return f"cannot reach the endpoint ({type(error).__name__})"
    return str(error)


def _key_serves_training(session: Session, key: str) -> bool:
    endpoint = session.value("training_endpoint")
    if not endpoint:
        return False
    try:
        with TrainingClient(Resource.training(endpoint, key), max_retries=0) as trainer:
            trainer.get_projects()
    except CustomVisionError:
        return False
    return True


def _training(session: Session) -> Finding:
    try:
        with TrainingClient(session.training_resource(), max_retries=1) as trainer:
            count = len(trainer.get_projects())
    except CliError as error:
        return Finding("training endpoint", None, f"not checked: {error.message}")
    except AuthenticationError as error:
        return Finding("training endpoint", False, f"the training key was refused ({error.code}): a wrong key?")
    except CustomVisionError as error:
        return Finding("training endpoint", False, _service_failure(error))
    return Finding("training endpoint", True, f"key accepted; {count} projects")


def _prediction(session: Session) -> Finding:
    try:
        resource = session.prediction_resource()
        with PredictionClient(resource, max_retries=1) as predictor:
            predictor.classify_image_with_no_store(uuid.uuid4(), "customvision-rest-check", _PIXEL)
    except CliError as error:
        return Finding("prediction endpoint", None, f"not checked: {error.message}")
    except NotFoundError:
        return Finding("prediction endpoint", True, "key accepted")
    except AuthenticationError as error:
        key = session.value("prediction_key")
        if key and not session.entra_id and _key_serves_training(session, key):
            detail = "the prediction key is the training resource's key: use a key of the prediction resource"
        else:
            detail = f"the prediction key was refused ({error.code}): a wrong key?"
        return Finding("prediction endpoint", False, detail)
    except CustomVisionError as error:
        return Finding("prediction endpoint", False, _service_failure(error))
    return Finding("prediction endpoint", True, "key accepted")


def register(root: click.Group) -> None:
    """Add ``check`` to the root command."""

    @command(root, "check")
    @pass_session
    def check(session: Session) -> int:
        """Check the connection settings: which are set, the resource id, and one call to each endpoint."""
        findings = [*_variables(session), _resource_id(session)]
        if session.entra_id:
            findings += _entra_endpoints(session)
        findings += [_training(session), _prediction(session)]
        failed = [finding for finding in findings if finding.ok is False]
        marks = {True: "ok  ", False: "FAIL", None: "--  "}
        session.emit(
            {"ok": not failed, "checks": [finding.as_dict() for finding in findings]},
            lambda: "\n".join(f"{marks[f.ok]} {f.check}: {f.detail}" for f in findings),
        )
        if not failed:
            return EXIT_OK
        return EXIT_USAGE if all(finding.configuration for finding in failed) else EXIT_SERVICE
