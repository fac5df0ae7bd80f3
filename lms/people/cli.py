"""`flask users ...`: create the first admin, import the HR roster, set a password."""
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from sqlalchemy.exc import IntegrityError

from lms.audit.services import record
from lms.extensions import db, read_transaction
from lms.people.models import RANKS, ROLES, Person, RoleGrant
from lms.people.passwords import hash_password
from lms.people.password_links import set_password
from lms.people.password_policy import password_problem
from lms.people.roster import NotARoster, decode_roster, parse_roster
from lms.people.roster_import import CHANGED_MEANWHILE, apply_plan
from lms.people.roster_plan import ImportOptions, plan_import
from lms.people.services import normalise_email

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
    done = f"Created {person.name} <{email}> with roles {', '.join(sorted(person.roles))}."  # before the commit
    db.session.commit()
    click.secho(done, fg="green")


@users_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--deactivate-missing", is_flag=True,
              help="Also deactivate everyone whose service number is not in the file.")
@click.option("--allow-mass-deactivation", is_flag=True,
              help="Let --deactivate-missing deactivate more than ROSTER_MAX_DEACTIVATION_PERCENT (10%) of the "
                   "active people.")
@click.option("--reactivate-listed", is_flag=True,
              help="Reactivate people in the file whom an earlier import deactivated (not those an admin did).")
@click.option("--create-teams", is_flag=True,
              help="Create the teams and areas the file names that the site does not have yet (without it, an "
                   "import that would create one is refused, so a misspelt name cannot make a new area).")
@click.option("--dry-run", is_flag=True, help="Check the file and report what would change, but save nothing.")
def import_command(file: Path, deactivate_missing: bool, allow_mass_deactivation: bool, reactivate_listed: bool,
                   create_teams: bool, dry_run: bool) -> None:
    """Import the HR roster (CSV, see docs/ROSTER.md). A file with any bad row imports nothing and exits 1."""
    try:
        text = decode_roster(file.read_bytes(), str(file))
    except NotARoster as error:
        raise click.ClickException(str(error)) from None
    options = ImportOptions(deactivate_missing=deactivate_missing, allow_mass_deactivation=allow_mass_deactivation,
                            reactivate_listed=reactivate_listed)
    with read_transaction():
        plan = plan_import(parse_roster(text), options)
    if problems := plan.problems:
        for problem in problems:
            click.secho(str(problem), fg="red", err=True)
        rows = len({problem.line for problem in problems})
        click.secho(f"Nothing was imported: {file.name} has {len(problems)} problem{'s' * (len(problems) != 1)} "
                    f"({rows} line{'s' * (rows != 1)}). Correct the file and import it again.", fg="red", err=True)
        raise SystemExit(1)
    if inactive := plan.left_inactive:
        shown = ", ".join(inactive[:10]) + (" and more" if len(inactive) > 10 else "")
        one = len(inactive) == 1
        hint = (f" {plan.reactivatable} of them {'was' if plan.reactivatable == 1 else 'were'} deactivated by an "
                f"import: --reactivate-listed brings them back." if plan.reactivatable else "")
        click.secho(f"{len(inactive)} {'person' if one else 'people'} in the file "
                    f"{'has a deactivated account and stays' if one else 'have deactivated accounts and stay'} "
                    f"deactivated ({shown}); reactivate on the People page anyone who has returned.{hint}",
                    fg="yellow")
    if warning := plan.new_teams_warning():
        click.secho(warning, fg="yellow" if create_teams or dry_run else "red", err=not (create_teams or dry_run))
        if not (create_teams or dry_run):
            click.secho(f"Nothing was imported. If the teams are really new, import {file.name} again with "
                        f"--create-teams.", fg="red", err=True)
            raise SystemExit(1)
    if dry_run:
        click.secho(f"Dry run, nothing saved. The import would give: {plan.summary()}.", fg="green")
        return
    try:
        roster_import = apply_plan(plan, actor=None, file_name=file.name, content=text)
        # Read before the commit: afterwards it would be loaded again, in a transaction left open.
        number = f" as import {roster_import.id}" if roster_import else ""
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise click.ClickException(CHANGED_MEANWHILE) from None
    click.secho(f"Roster imported from {file.name}{number}: {plan.summary()}.", fg="green")


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
    done = f"Password set for {person.name}; their other sessions have been signed out."  # before the commit
    db.session.commit()
    click.secho(done, fg="green")
