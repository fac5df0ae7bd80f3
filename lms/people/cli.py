"""`flask users ...`: create the first admin, import the HR roster."""
import click
import sqlalchemy as sa
from flask.cli import AppGroup

from lms.audit.services import record
from lms.extensions import db
from lms.people.models import RANKS, ROLES, Person, RoleGrant
from lms.people.passwords import hash_password
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
                    rank=rank, password_hash=hash_password(password),
                    role_grants=[RoleGrant(role=role) for role in sorted(set(roles) | {"officer"})])
    db.session.add(person)
    db.session.flush()
    record(None, "person.created", "person", person.id, f"Created {person.name} from the command line")
    db.session.commit()
    click.secho(f"Created {person.name} <{email}> with roles {', '.join(sorted(person.roles))}.", fg="green")
