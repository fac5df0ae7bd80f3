"""Local accounts: emailed single-use links to set a password (invitations, resets), and who can sign in how.

They flush; the caller commits.
"""
import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, url_for

from lms.audit.services import record
from lms.extensions import db
from lms.notify.services import queue
from lms.people.devices import sign_out_everywhere
from lms.people.models import PasswordToken, Person, ResetRequest, RoleGrant
from lms.timeutil import utcnow
from lms.tokens import hash_token, new_token

log = logging.getLogger(__name__)

#: each kind of link, and the setting that says for how many hours it works
PURPOSES = {"invite": "INVITATION_HOURS", "reset": "PASSWORD_RESET_HOURS"}


class ResetThrottled(Exception):
    """Too many reset requests for this email address or from this address in the last hour."""


def local_login_allowed(person: Person) -> bool:
    """Whether LOCAL_LOGIN lets this person have a password here (`on`, `admins-only` or `off`)."""
    mode = current_app.config["LOCAL_LOGIN"]
    return mode == "on" or (mode == "admins-only" and person.has_role("admin"))


def live_invitation(person: Person) -> PasswordToken | None:
    return db.session.scalar(sa.select(PasswordToken).where(
        PasswordToken.person_id == person.id, PasswordToken.purpose == "invite", PasswordToken.expires_at > utcnow())
        .order_by(PasswordToken.expires_at.desc()).limit(1))


def sign_in_status(person: Person) -> tuple[str, PasswordToken | None]:
    """How the person can sign in: "sso" (linked to single sign-on), "password", "invited" or "none"."""
    if person.oidc_subject:
        return "sso", None
    if person.password_hash:
        return "password", None
    invitation = live_invitation(person)
    return ("invited" if invitation else "none"), invitation


def cannot_sign_in_yet(stmt):
    """Narrow a select of people to the active ones who have no way in yet: no password, no single sign-on link
    and no invitation still open."""
    open_invitation = sa.select(PasswordToken.id).where(
        PasswordToken.person_id == Person.id, PasswordToken.purpose == "invite", PasswordToken.expires_at > utcnow())
    stmt = stmt.where(Person.is_active_account.is_(True), Person.password_hash.is_(None), Person.oidc_subject.is_(None),
                      ~open_invitation.exists())
    mode = current_app.config["LOCAL_LOGIN"]
    if mode == "admins-only":
        stmt = stmt.where(Person.role_grants.any(RoleGrant.role == "admin"))
    elif mode != "on":
        stmt = stmt.where(sa.false())  # nobody may have a password here: there is nobody to invite
    return stmt


def _void_links(person_ids: list[int], purpose: str) -> None:
    """End the unused links of this kind that these people hold: a newer one replaces them."""
    db.session.execute(sa.delete(PasswordToken).where(PasswordToken.person_id.in_(person_ids),
                                                      PasswordToken.purpose == purpose)
                       .execution_options(synchronize_session=False))


def _issue(person: Person, purpose: str) -> None:
    """Email the person a new link of this kind (the caller has voided the old ones)."""
    token = new_token()
    hours = current_app.config[PURPOSES[purpose]]
    db.session.add(PasswordToken(person_id=person.id, purpose=purpose, token_hash=hash_token(token),
                                 expires_at=utcnow() + timedelta(hours=hours)))
    queue("invitation" if purpose == "invite" else "password_reset", person, topic=f"person:{person.id}",
          url=current_app.config["SITE_URL"] + url_for("people.set_password", token=token), hours=hours)


def _invite(actor: Person, person: Person) -> None:
    _issue(person, "invite")
    record(actor, "person.invited", "person", person.id, f"Invited {person.name} to set a password")


def invite(actor: Person, person: Person) -> None:
    """Email the person a link to set their password; audited. Raises ValueError when they cannot be invited."""
    if not person.is_active_account:
        raise ValueError(f"{person.name}'s account is deactivated: reactivate it before inviting them.")
    if not local_login_allowed(person):
        raise ValueError("Local sign-in is switched off for this person (LOCAL_LOGIN): they sign in with single "
                         "sign-on.")
    _void_links([person.id], "invite")
    _invite(actor, person)


def invite_everyone(actor: Person, people_stmt) -> int:
    """Invite every person in the select (the people list's filters) who cannot sign in yet; return how many."""
    people = list(db.session.scalars(cannot_sign_in_yet(people_stmt)).unique())
    _void_links([person.id for person in people], "invite")  # expired ones: the select leaves out open invitations
    for person in people:
        _invite(actor, person)
    log.info("%s invited %s people", actor.id, len(people))
    return len(people)


def request_reset(email: str, address: str) -> None:
    """Record a "Forgotten your password?" request; `notify send` turns it into an emailed link (send_reset_links).

    The request does the same work whatever email is typed, so neither its answer nor its timing says who has an
    account. Throttled on the email typed and on the client's address alike.
    """
    config, now = current_app.config, utcnow()
    hour_ago = now - timedelta(hours=1)
    db.session.execute(sa.delete(ResetRequest).where(ResetRequest.at < hour_ago))
    recent = db.session.execute(sa.select(
        sa.func.count().filter(ResetRequest.email == email), sa.func.count().filter(ResetRequest.address == address),
    ).where(ResetRequest.at >= hour_ago)).one()
    if recent[0] >= config["PASSWORD_RESETS_PER_EMAIL"] or recent[1] >= config["PASSWORD_RESETS_PER_ADDRESS"]:
        log.warning("password reset throttled for %s from %s", email, address)
        raise ResetThrottled()
    db.session.add(ResetRequest(email=email, address=address, at=now))


def send_reset_links() -> int:
    """Queue a reset link for each waiting request whose email belongs to someone who may have a password; return
    how many. Each request is claimed once (a conditional UPDATE), however many senders run at the same time."""
    emails = set(db.session.scalars(sa.update(ResetRequest).where(ResetRequest.is_handled.is_(False))
                                    .values(is_handled=True).returning(ResetRequest.email)))
    if not emails:
        return 0
    people = [person for person in db.session.scalars(
        sa.select(Person).where(Person.email.in_(emails), Person.is_active_account.is_(True)).order_by(Person.id))
        if local_login_allowed(person)]
    _void_links([person.id for person in people], "reset")
    # Links are built with url_for, which needs a request; the site's own address stands in for one.
    with current_app.test_request_context(base_url=current_app.config["SITE_URL"]):
        for person in people:
            _issue(person, "reset")
            record(None, "person.reset_requested", "person", person.id, f"Password reset link sent to {person.name}")
    log.info("%s reset requests handled, %s links queued", len(emails), len(people))
    return len(people)


def find_link(token: str) -> PasswordToken | None:
    """The unexpired link a token belongs to, for an active person; None for a used, replaced or made-up one."""
    if not token or len(token) > 100:
        return None
    link = db.session.scalar(sa.select(PasswordToken).where(PasswordToken.token_hash == hash_token(token),
                                                            PasswordToken.expires_at > utcnow()))
    if link is None or not db.session.get(Person, link.person_id).is_active_account:
        return None
    return link


def use_link(token: str, password_hash: str) -> Person | None:
    """Set the password a link was sent for, once: a second use (or a race of two) finds nothing."""
    link = find_link(token)
    if link is None:
        return None
    person = db.session.get(Person, link.person_id)
    # The conditional delete is what makes the link single-use, whatever runs at the same moment.
    if db.session.execute(sa.delete(PasswordToken).where(PasswordToken.id == link.id)).rowcount != 1:
        return None
    set_password(person, password_hash, how="from an invitation" if link.purpose == "invite" else "from a reset link")
    return person


def set_password(person: Person, password_hash: str, *, how: str) -> None:
    """Give the person a new password: every open link and every signed-in device of theirs ends; audited."""
    person.password_hash = password_hash
    db.session.execute(sa.delete(PasswordToken).where(PasswordToken.person_id == person.id))
    sign_out_everywhere(person)
    record(None, "person.password_set", "person", person.id, f"Password set for {person.name} {how}")
