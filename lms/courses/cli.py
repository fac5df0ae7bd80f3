"""`flask courses ...`: close quiz attempts left open (run from cron, e.g. hourly)."""
import click
from flask.cli import AppGroup

from lms.courses.cycles import abandon_open_attempts
from lms.courses.progress import abandon_cutoff
from lms.extensions import db
from lms.timeutil import utcnow

courses_cli = AppGroup("courses", help="Course housekeeping.")


@courses_cli.command("close-abandoned")
def close_abandoned():
    """Mark quiz attempts unsubmitted for QUIZ_ABANDON_AFTER_HOURS as abandoned. Pages already treat them so; this
    records it for every officer, not only those who come back to the quiz."""
    now = utcnow()
    closed = abandon_open_attempts(now, started_before=abandon_cutoff(now))
    db.session.commit()
    click.echo(f"Closed {closed} abandoned quiz attempt{'' if closed == 1 else 's'}.")
