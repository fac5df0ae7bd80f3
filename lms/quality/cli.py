"""`flask outcomes import FILE.csv`: teams' monthly outcome counts."""
from pathlib import Path

import click
from flask.cli import AppGroup

from lms.extensions import db, read_transaction
from lms.people.roster import NotARoster, decode_roster
from lms.quality.outcomes import import_outcomes, read_file, summary

outcomes_cli = AppGroup("outcomes", help="Teams' monthly outcome counts, beside training in the quality view.")


@outcomes_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and say what it holds, but save nothing.")
def import_command(file: Path, dry_run: bool) -> None:
    """Import monthly outcome counts per team (CSV, see docs/REPORTS.md). A file with any bad row imports nothing."""
    try:
        text = decode_roster(file.read_bytes(), str(file))
    except NotARoster as error:
        raise click.ClickException(str(error)) from None
    with read_transaction():
        outcomes = read_file(text)
    if outcomes.problems:
        for problem in outcomes.problems:
            click.secho(str(problem), fg="red", err=True)
        click.secho(f"Nothing was imported: {file.name} has {len(outcomes.problems)} "
                    f"problem{'s' * (len(outcomes.problems) != 1)}. Correct the file and import it again.",
                    fg="red", err=True)
        raise SystemExit(1)
    if dry_run:
        click.secho(f"Dry run, nothing saved: {file.name} holds {len(outcomes.rows)} team months.", fg="green")
        return
    batch = import_outcomes(outcomes, actor=None, file_name=file.name, content=text)
    message = summary(batch)
    db.session.commit()
    click.secho(f"Outcomes imported from {file.name}: {message}.", fg="green")
