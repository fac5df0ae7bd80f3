"""Server-side sessions, one per device: open, load, list and end them. They flush; the caller commits."""
import logging
import re
from datetime import timedelta
from functools import cache

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, session

from lms.extensions import db, write_intent
from lms.people import with_person
from lms.people.models import DeviceSession, Person, RoleGrant
from lms.sessions.feeds import revoke_feeds, revoke_feeds_of
from lms.timeutil import today_london, utcnow
from lms.tokens import hash_token, new_token

log = logging.getLogger(__name__)

#: (pattern in the User-Agent, name shown), first match wins: Edge and Opera also say "Chrome", Chrome says "Safari"
BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser/", "Samsung Internet"), ("Firefox/", "Firefox"),
            ("FxiOS/", "Firefox"), ("CriOS/", "Chrome"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
SYSTEMS = (("Windows", "Windows"), ("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
           ("CrOS", "ChromeOS"), ("Mac OS X", "macOS"), ("Linux", "Linux"))


#: the ways of signing in a device session records, and how "Your devices" names them
METHODS = {"password": "password", "password+app": "password and app code",
           "password+recovery": "password and recovery code", "oidc": "single sign-on"}


def describe_browser(user_agent: str) -> str:
    """Summarise a User-Agent as "Firefox on Windows", enough for a person to recognise their own device."""
    browser = next((name for marker, name in BROWSERS if marker in user_agent), "")
    system = next((name for marker, name in SYSTEMS if marker in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or re.sub(r"[^\w./ -]", "", user_agent)[:40] or "Unknown browser"


def open_session(person: Person, method: str, *, browser: str, address: str) -> tuple[str, int]:
    """Record a new signed-in device for the person; return the random id its cookie will hold, and its row id."""
    idle_since, started_before = _limits()
    # Sessions of this person that timed out without being seen again go now, so the table only holds live ones.
    db.session.execute(sa.delete(DeviceSession).where(
        DeviceSession.person_id == person.id,
        sa.or_(DeviceSession.last_seen_at < idle_since, DeviceSession.created_at < started_before)))
    token = new_token()
    device = DeviceSession(person_id=person.id, token_hash=hash_token(token), method=method, browser=browser[:80],
                           address=address[:64])
    db.session.add(device)
    db.session.flush()
    return token, device.id


def _write_apart(statement) -> None:
    """Run one small write in its own transaction: a page that only reads never commits its own, and whether the
    page succeeds has nothing to do with whether the device was seen."""
    if write_intent.get() and db.session.get_bind().dialect.name == "sqlite":
        # This request took SQLite's write lock up front (BEGIN IMMEDIATE): a second connection would wait for it
        # until busy_timeout. The write joins the request's own transaction instead, kept if the request commits.
        db.session.execute(statement)
        return
    with db.engine.begin() as connection:
        connection.execute(statement)


def _limits() -> tuple:
    """A session last seen before the first time, or started before the second, has timed out."""
    config, now = current_app.config, utcnow()
    return (now - timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
            now - timedelta(hours=config["SESSION_ABSOLUTE_HOURS"]))


# Every signed-in request runs this, so it is built once. The team comes with the person: the completion rule
# (team type) and the sessions list (area) ask for it, and a lazy load after would be a second query. The roles come
# as one column ("admin,officer") rather than as RoleGrant objects joined in: a joined collection made the ORM
# de-duplicate rows and build an object per role on every request; role_grants stays unloaded until something
# changes it (Person.roles). Other domains' facts about the person come as columns too (lms.people.with_person).
_ROLES = (sa.select(sa.func.aggregate_strings(RoleGrant.role, ","))
          .where(RoleGrant.person_id == Person.id).scalar_subquery())


@cache
def _signed_in_select() -> sa.Select:
    return (sa.select(Person, DeviceSession.id, DeviceSession.created_at, DeviceSession.last_seen_at, _ROLES,
                      *with_person.columns())
            .join(DeviceSession, DeviceSession.person_id == Person.id)
            .where(DeviceSession.token_hash == sa.bindparam("token_hash"))
            .options(so.lazyload(Person.role_grants), so.joinedload(Person.team)))


def load_signed_in(token: str) -> tuple[Person, int] | None:
    """The person and device session behind a cookie's id, in one query; None if it ended, timed out or the
    account is deactivated. Records the device as seen at most once a minute."""
    if not token or len(token) > 100:
        return None
    today = today_london()
    row = db.session.execute(_signed_in_select(),
                             {"token_hash": hash_token(token), with_person.TODAY.key: today}).first()
    if row is None:
        return None
    person, session_id, created_at, last_seen_at, roles, *facts = row
    person.roles_as_loaded = frozenset(roles.split(",")) if roles else frozenset()
    idle_since, started_before = _limits()
    if not person.is_active_account or last_seen_at < idle_since or created_at < started_before:
        log.info("device session %s of %s ended: timed out or account deactivated", session_id, person.id)
        _write_apart(sa.delete(DeviceSession).where(DeviceSession.id == session_id))
        return None
    with_person.remember(person.id, today, dict(zip(with_person.names(), facts)))
    now = utcnow()
    touch_before = now - timedelta(seconds=current_app.config["SESSION_TOUCH_SECONDS"])
    if last_seen_at < touch_before:
        # Conditional, so two instances serving the same device at once write it once.
        _write_apart(sa.update(DeviceSession).where(DeviceSession.id == session_id,
                                                    DeviceSession.last_seen_at < touch_before)
                     .values(last_seen_at=now))
        session.modified = True  # the cookie's expiry moves on with last seen (SESSION_REFRESH_EACH_REQUEST)
    return person, session_id


def devices_of(person: Person) -> list[DeviceSession]:
    """The person's signed-in devices, the most recently used first."""
    return list(db.session.scalars(sa.select(DeviceSession).where(DeviceSession.person_id == person.id)
                                   .order_by(DeviceSession.last_seen_at.desc(), DeviceSession.id.desc())))


def end_session(person: Person, session_id: int) -> bool:
    """Sign the person out of one of their devices; False if it is not theirs or already ended."""
    result = db.session.execute(sa.delete(DeviceSession).where(DeviceSession.id == session_id,
                                                               DeviceSession.person_id == person.id))
    return result.rowcount == 1


def end_other_sessions(person: Person, keep_id: int) -> int:
    """Sign the person out of every device but this one; return how many."""
    result = db.session.execute(sa.delete(DeviceSession).where(DeviceSession.person_id == person.id,
                                                               DeviceSession.id != keep_id))
    return result.rowcount


def sign_out_everywhere(person: Person) -> int:
    """End every session the person holds, on every device (deactivation, a new password, an admin's request), and
    their calendar address, which signs them in to nothing but still shows their sessions."""
    revoke_feeds(person, None)
    result = db.session.execute(sa.delete(DeviceSession).where(DeviceSession.person_id == person.id))
    log.info("signed %s out of %s device(s)", person.id, result.rowcount)
    return result.rowcount


def sign_out_many_everywhere(person_ids: list[int]) -> None:
    """`sign_out_everywhere` for many people in two statements (a roster import deactivating leavers)."""
    sessions = DeviceSession.__table__
    db.session.execute(sessions.delete().where(sessions.c.person_id == sa.bindparam("p")),
                       [{"p": person_id} for person_id in person_ids])
    revoke_feeds_of(person_ids)
