"""`flask content sync`: import content/ into the database."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from lms.content.sync import SyncBusy, sync_content
from lms.extensions import db

content_cli = AppGroup("content", help="Import the markdown content tree.")


@content_cli.command("sync")
@click.option("--path", "path", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Content folder (default: CONTENT_DIR, the repository's content/).")
def sync_command(path: Path | None) -> None:
    """Import content/: add, change and retire to match the files. Exits 1 if any file failed."""
    root = path or Path(current_app.config["CONTENT_DIR"])
    if not root.is_dir():
        raise click.ClickException(f"No content folder at {root}")
    try:
        report = sync_content(root)
    except SyncBusy as busy:
        db.session.rollback()
        raise click.ClickException(f"Nothing imported: {busy}.") from None
    db.session.commit()
    for kind, counts in report.kinds.items():
        click.echo(f"{kind}: {len(counts.added)} added, {len(counts.changed)} changed, "
                   f"{len(counts.unchanged)} unchanged, {len(counts.removed)} removed, {len(counts.failed)} failed")
        for label, paths in (("added", counts.added), ("changed", counts.changed), ("removed", counts.removed)):
            for item in paths:
                click.echo(f"  {label}: {item}")
    for error in report.errors:
        click.secho(f"  failed: {error}", fg="red", err=True)
    if not report.ok:
        raise SystemExit(1)
    click.secho("Content is up to date.", fg="green")
