"""`flask users ...`: create the first admin, import the HR roster, set a password."""
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from lms.audit.services import record
from lms.extensions import db
from lms.people.models import RANKS, ROLES, Person, RoleGrant
from lms.people.passwords import hash_password
from lms.people.roster import parse_roster
from lms.people.password_links import set_password
from lms.people.password_policy import password_problem
from lms.people.services import import_roster, normalise_email

users_cli = AppGroup("users", help="Manage people.")


@users_cli.command("create")
@click.option("--email", prompt=True)
@click.option("--name", prompt="Full name")
@click.option("--service-number", prompt=True)
@click.option("--rank", type=click.Choice(sorted(RANKS)), default="STAFF", show_default=True)
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES), default=("admin",), show_default=True)
@click.password_option()
def create_command(email, name, service_number, rank, roles, password):
    """Create a person who can sign in (the first admin, for example)."""
    email = normalise_email(email)
    if db.session.scalar(sa.select(Person).where(sa.or_(Person.email == email,
                                                        Person.service_number == service_number))):
        raise click.ClickException("Someone with that email or service number already exists.")
    given, _, family = name.strip().partition(" ")
    person = Person(email=email, given_name=given, family_name=family or given, service_number=service_number,
                    rank=rank, role_grants=[RoleGrant(role=role) for role in sorted(set(roles) | {"officer"})])
    if problem := password_problem(password, person):
        raise click.ClickException(problem)
    person.password_hash = hash_password(password)
    db.session.add(person)
    db.session.flush()
    record(None, "person.created", "person", person.id, f"Created {person.name} from the command line")
    db.session.commit()
    click.secho(f"Created {person.name} <{email}> with roles {', '.join(sorted(person.roles))}.", fg="green")


@users_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--deactivate-missing", is_flag=True,
              help="Also deactivate everyone whose service number is not in the file.")
@click.option("--dry-run", is_flag=True, help="Check the file and report what would change, but save nothing.")
def import_command(file: Path, deactivate_missing: bool, dry_run: bool) -> None:
    """Import the HR roster (CSV, see docs/ROSTER.md). A file with any bad row imports nothing and exits 1."""
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(f"{file} is not UTF-8 text. In Excel, save it as \"CSV UTF-8\".") from None
    result = import_roster(parse_roster(text), deactivate_missing=deactivate_missing)
    if problems := result.problems:
        db.session.rollback()
        for problem in problems:
            click.secho(str(problem), fg="red", err=True)
        rows = len({problem.line for problem in problems})
        click.secho(f"Nothing was imported: {file.name} has {len(problems)} problem{'s' * (len(problems) != 1)} "
                    f"({rows} line{'s' * (rows != 1)}). Correct the file and import it again.", fg="red", err=True)
        raise SystemExit(1)
    if inactive := result.left_inactive:
        shown = ", ".join(inactive[:10]) + (" and more" if len(inactive) > 10 else "")
        one = len(inactive) == 1
        click.secho(f"{len(inactive)} {'person' if one else 'people'} in the file "
                    f"{'has a deactivated account and stays' if one else 'have deactivated accounts and stay'} "
                    f"deactivated ({shown}); reactivate on the People page anyone who has returned.", fg="yellow")
    if dry_run:
        db.session.rollback()
        click.secho(f"Dry run, nothing saved. The import would give: {result.summary()}.", fg="green")
        return
    db.session.commit()
    click.secho(f"Roster imported from {file.name}: {result.summary()}.", fg="green")


@users_cli.command("set-password")
@click.argument("email")
@click.password_option()
def set_password_command(email: str, password: str) -> None:
    """Set a person's password (people imported from the roster have none until this or single sign-on)."""
    person = db.session.scalar(sa.select(Person).where(Person.email == normalise_email(email)))
    if person is None:
        raise click.ClickException(f"Nobody has the email address {email}.")
    if problem := password_problem(password, person):
        raise click.ClickException(problem)
    set_password(person, hash_password(password), how="from the command line")
    db.session.commit()
    click.secho(f"Password set for {person.name}; their other sessions have been signed out.", fg="green")
