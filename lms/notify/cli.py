"""`flask notify send`: queue the reminders, weekly digests and password reset links that are due, then send what is
due."""
import click
from flask import current_app
from flask.cli import AppGroup

from lms.extensions import db
from lms.notify.sending import pending_count, send_due
from lms.people.password_links import send_reset_links
from lms.reports.digest import queue_weekly_digests
from lms.sessions.notices import queue_due_reminders

notify_cli = AppGroup("notify", help="Send email from the outbox.")


@notify_cli.command("send")
@click.option("--limit", default=200, show_default=True, help="Send at most this many messages in this run.")
def send_command(limit: int) -> None:
    """Send every due message once; a failed one stays for the next run. Exits 1 if any failed."""
    reminders = queue_due_reminders()
    db.session.commit()
    if reminders:
        click.echo(f"Queued {reminders} reminder{'' if reminders == 1 else 's'}.")
    digests = queue_weekly_digests()
    db.session.commit()
    if digests:
        click.echo(f"Queued {digests} weekly digest{'' if digests == 1 else 's'}.")
    links = send_reset_links()
    # counted before the commit, in the transaction that queued the last of them: after it, a transaction of its own
    staying = None if current_app.config.get("MAIL_SERVER") else pending_count()
    db.session.commit()
    if links:
        click.echo(f"Queued {links} password reset link{'' if links == 1 else 's'}.")
    if staying is not None:
        click.echo(f"MAIL_SERVER is not set: {staying} message(s) stay in the outbox for admins to read.")
        return
    report = send_due(limit=limit)
    for message_id, reason in report.failed:
        click.secho(f"  not sent: message {message_id}: {reason} (will retry)", fg="red", err=True)
    if report.outage:
        click.secho(f"Sent {report.sent}; the mail server did not answer ({report.outage}): the rest wait for the "
                    f"next run.", fg="red", err=True)
        raise SystemExit(1)
    if report.failed:
        click.secho(f"Sent {report.sent}; {len(report.failed)} failed and will be retried.", fg="red", err=True)
        raise SystemExit(1)
    click.secho(f"Sent {report.sent} message{'' if report.sent == 1 else 's'}.", fg="green")
