"""`flask xapi send` and `flask xapi backfill`: deliver queued statements, and queue those of past learning."""
import click
from flask import current_app
from flask.cli import AppGroup

from lms.extensions import read_after_commit, read_transaction
from lms.xapi.queue import backfill, is_on
from lms.xapi.sending import queue_summary, send_due

xapi_cli = AppGroup("xapi", help="Send learning records (xAPI statements) to the learning record store.")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@xapi_cli.command("send")
@click.option("--limit", default=5000, show_default=True, help="Send at most this many statements in this run.")
def send_command(limit: int) -> None:
    """Send every due statement once, in batches; what fails waits for a later run. Exits 1 if any did."""
    if not is_on():
        click.echo("XAPI_ENDPOINT is not set: no statements are queued or sent.")
        return
    report = send_due(limit=limit)
    for statement_id, reason in report.refused:
        click.secho(f"  refused: statement {statement_id}: {reason} (will retry)", fg="red", err=True)
    if report.outage:
        # Counted after the run's last commit on purpose: what waits includes the batch just put back, which only
        # that commit settles. One count, on a run that failed, in a read transaction (no write lock) ended at once.
        with read_after_commit("what waits after an outage"), read_transaction():
            waiting = queue_summary()["waiting"]
        click.secho(f"The learning record store is unreachable ({report.outage}): "
                    f"{waiting} statement(s) wait for the next run.", fg="red", err=True)
    if report.refused or report.outage:
        click.secho(f"Sent {_plural(report.sent, 'statement')}; the rest will be retried.", fg="red", err=True)
        raise SystemExit(1)
    click.secho(f"Sent {_plural(report.sent, 'statement')}.", fg="green")


@xapi_cli.command("backfill")
def backfill_command() -> None:
    """Queue statements for learning done before the store was set up (once: a second run finds nothing new)."""
    if not is_on():
        click.echo(f"XAPI_ENDPOINT is not set ({current_app.config['FORCE_NAME']} has no learning record store "
                   "configured): nothing queued.")
        return
    queued = backfill()
    click.secho(f"Queued {_plural(queued, 'statement')}; `flask xapi send` delivers them.", fg="green")
