"""`flask guidance owners`: who may act for each page owner named in front matter."""
import click
import sqlalchemy as sa
from flask.cli import AppGroup

from lms.extensions import db
from lms.guidance.models import GuidanceOwnerMember, GuidancePage
from lms.people.models import Person

guidance_cli = AppGroup("guidance", help="Guidance page owners.")
owners_cli = AppGroup("owners", help="Who may act for a page owner: answer its feedback, mark its pages reviewed.")
guidance_cli.add_command(owners_cli)


def person_by_email(email: str) -> Person:
    person = db.session.scalar(sa.select(Person).where(sa.func.lower(Person.email) == email.strip().lower()))
    if person is None:
        raise click.ClickException(f"No one has the email address {email}")
    return person


@owners_cli.command("add")
@click.argument("owner")
@click.argument("email")
def add_command(owner: str, email: str) -> None:
    """Let the person with EMAIL act for OWNER (as written in pages' `owner:`)."""
    if not db.session.scalar(sa.select(sa.func.count()).select_from(GuidancePage).where(GuidancePage.owner == owner)):
        raise click.ClickException(f"No page names '{owner}' as its owner (check the spelling in front matter)")
    person = person_by_email(email)
    db.session.merge(GuidanceOwnerMember(owner=owner, person_id=person.id))
    done = f"{person.name} may now act for {owner}."  # before the commit expires the person
    db.session.commit()
    click.secho(done, fg="green")


@owners_cli.command("remove")
@click.argument("owner")
@click.argument("email")
def remove_command(owner: str, email: str) -> None:
    """Stop the person with EMAIL acting for OWNER."""
    person = person_by_email(email)
    db.session.execute(sa.delete(GuidanceOwnerMember).where(GuidanceOwnerMember.owner == owner,
                                                            GuidanceOwnerMember.person_id == person.id))
    done = f"{person.name} no longer acts for {owner}."  # before the commit expires the person
    db.session.commit()
    click.secho(done, fg="green")


@owners_cli.command("list")
def list_command() -> None:
    """Each owner named by a live page, and who acts for it."""
    members: dict[str, list[str]] = {}
    for owner, person in db.session.execute(sa.select(GuidanceOwnerMember.owner, Person)
                                            .join(Person, Person.id == GuidanceOwnerMember.person_id)):
        members.setdefault(owner, []).append(f"{person.name} <{person.email}>")
    owners = db.session.scalars(sa.select(GuidancePage.owner).where(GuidancePage.is_retired.is_(False))
                                .distinct().order_by(GuidancePage.owner))
    for owner in owners:
        click.echo(f"{owner}: {', '.join(members.get(owner, [])) or 'nobody yet (admins only)'}")
