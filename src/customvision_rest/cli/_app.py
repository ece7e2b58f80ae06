"""The root command: connection options shared by every command, and the registration of each command group."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

import click

from .. import ResourceKind
from .._version import __version__
from . import check, demo, emulator, images, predict, projects, provision, tags, training
from ._context import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, EXPECTED, VARIABLES, Session, report_failure

__all__ = ["root", "run"]

_KINDS = {"dedicated": None, "multi-service": ResourceKind.MULTI_SERVICE, "ai-services": ResourceKind.AI_SERVICES}


@click.group(
    name="customvision-rest",
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110},
)
@click.version_option(__version__, "--version", prog_name="customvision-rest", message="%(prog)s %(version)s")
@click.option("--training-endpoint", metavar="URL", help=f"training endpoint [{VARIABLES['training_endpoint']}]")
@click.option("--training-key", metavar="KEY", help=f"training key [{VARIABLES['training_key']}]")
@click.option("--prediction-endpoint", metavar="URL", help=f"prediction endpoint [{VARIABLES['prediction_endpoint']}]")
@click.option("--prediction-key", metavar="KEY", help=f"prediction key [{VARIABLES['prediction_key']}]")
@click.option(
    "--prediction-resource-id",
    metavar="ID",
    help=f"the prediction resource's Azure id, where `publish` publishes [{VARIABLES['prediction_resource_id']}]",
)
@click.option(
    "--resource-kind",
    type=click.Choice(sorted(_KINDS)),
    default="dedicated",
    show_default=True,
    help="dedicated Custom Vision resources, or one multi-service / AI Services resource for both",
)
@click.option(
    "--entra-id",
    is_flag=True,
    help="authenticate with Microsoft Entra ID (azure-identity's DefaultAzureCredential) instead of keys",
)
@click.option("--json", "as_json", is_flag=True, help="print results as JSON (also accepted after each command)")
@click.pass_context
def root(ctx: click.Context, /, resource_kind: str, entra_id: bool, as_json: bool, **options: str | None) -> None:
    """Azure AI Custom Vision from a terminal: projects, tags, upload, training, publishing, prediction, export.

    Connection settings come from the options or from the VISION_* variables of Microsoft's quickstarts. A
    PROJECT is its id or its exact name. Exit codes: 0 success, 1 service error, 2 usage or configuration
    error, 3 timeout.
    """
    session = ctx.ensure_object(Session)
    session.options = dict(options)
    session.kind = _KINDS[resource_kind]
    session.entra_id = entra_id
    session.as_json = session.as_json or as_json
    ctx.call_on_close(session.close)


for module in (projects, tags, images, training, predict, check, demo, emulator, provision):
    module.register(root)


def run(args: Sequence[str], *, environ: Mapping[str, str] | None = None) -> int:
    """Run the root command with ``args``; expected failures become an exit code and one line of output."""
    session = Session(options={}, environ=os.environ if environ is None else environ)
    session.as_json = "--json" in args
    if not args:
        with click.Context(root, info_name="customvision-rest") as ctx:
            click.echo(root.get_help(ctx), err=True)
        click.echo("\nerror: missing COMMAND", err=True)
        return EXIT_USAGE
    try:
        result = root.main(list(args), prog_name="customvision-rest", standalone_mode=False, obj=session)
    except click.exceptions.Exit as stop:
        return stop.exit_code
    except click.UsageError as error:
        if session.as_json:
            return report_failure(error, as_json=True)
        error.show()
        return EXIT_USAGE
    except (click.Abort, KeyboardInterrupt):
        click.echo("interrupted", err=True)
        return EXIT_INTERRUPTED
    except EXPECTED as error:
        return report_failure(error, as_json=session.as_json)
    return result if isinstance(result, int) else EXIT_OK
