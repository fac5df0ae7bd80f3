"""`flask demo load`: the Midshire Police demo force, for trying the site out."""
import time

import click
from flask.cli import AppGroup

from lms.demo.load import DEFAULT_SEED, DEMO_PASSWORD, DemoRefused, demo_state, load_demo, login_lines
from lms.demo.names import LOCAL_POLICING_AREAS
from lms.extensions import db

demo_cli = AppGroup("demo", help="The Midshire Police demo force.")


def _print_logins() -> None:
    click.echo(f"Demo logins (password: {DEMO_PASSWORD}):")
    for line in login_lines():
        click.echo(line)


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) if the database already holds people.")
@click.option("--areas", type=click.IntRange(1, len(LOCAL_POLICING_AREAS)), default=len(LOCAL_POLICING_AREAS),
              show_default=True, help="How many local policing areas; force-wide units shrink in proportion.")
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True, help="The same seed, the same force.")
def load_command(if_empty: bool, areas: int, seed: int) -> None:
    """Load the demo force into an empty database. Refuses a database that holds real people."""
    state = demo_state()
    if state == "real":
        if if_empty:
            click.echo("The database already holds people, so the demo force was not loaded.")
            return
        click.secho("This database holds real people. The demo force is only loaded into an empty database, "
                    "so that demo and real records never mix.", fg="red", err=True)
        raise SystemExit(1)
    if state == "demo":
        click.echo("The demo force is already loaded.")
        _print_logins()
        return
    started = time.perf_counter()
    try:
        lines = load_demo(areas=areas, seed=seed)
    except DemoRefused:  # someone added people since the check above
        db.session.rollback()
        raise click.ClickException("The database is no longer empty; nothing was loaded.") from None
    db.session.commit()
    for line in lines:
        click.echo(f"  {line}")
    click.secho(f"Loaded the Midshire Police demo force in {time.perf_counter() - started:.1f} s.", fg="green")
    _print_logins()
