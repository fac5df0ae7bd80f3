"""Personal calendar feeds: a secret address shown once, stored only as a hash, revoked with the person's sessions."""

import sqlalchemy as sa

from lms.audit.services import record
from lms.extensions import db
from lms.people.models import Person
from lms.sessions.models import CalendarFeed
from lms.timeutil import utcnow
from lms.tokens import hash_token, new_token

#: a token is 43 URL-safe characters; anything longer is not one of ours and is refused before hashing
TOKEN_MAX_LENGTH = 64


def create_feed(person: Person) -> str:
    """Replace the person's calendar address with a new one and return its token: the only time it is seen."""
    revoke_feeds(person, person)
    token = new_token()
    feed = CalendarFeed(person_id=person.id, token_hash=hash_token(token))
    db.session.add(feed)
    db.session.flush()
    record(person, "calendar_feed.created", "calendar_feed", feed.id, f"{person.name} made a calendar address")
    return token


def revoke_feeds(person: Person, actor: Person | None) -> None:
    """Stop every calendar address of the person working: on request, signing out everywhere, deactivation.

    A revoked address never works again, so a reactivated account starts without one.
    """
    revoked = db.session.scalars(
        sa.update(CalendarFeed).where(CalendarFeed.person_id == person.id, CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=utcnow()).returning(CalendarFeed.id).execution_options(synchronize_session=False)).all()
    for feed_id in revoked:
        record(actor, "calendar_feed.revoked", "calendar_feed", feed_id, f"Calendar address of {person.name} revoked")


def revoke_feeds_of(person_ids: list[int]) -> None:
    """Revoke the calendar addresses of many people at once (a roster import's deactivations), for good."""
    feeds = CalendarFeed.__table__
    db.session.execute(feeds.update().where(feeds.c.person_id == sa.bindparam("p"), feeds.c.revoked_at.is_(None))
                       .values(revoked_at=utcnow()), [{"p": person_id} for person_id in person_ids])


def feed_by_token(token: str) -> CalendarFeed | None:
    if len(token) > TOKEN_MAX_LENGTH:
        return None
    return db.session.scalar(sa.select(CalendarFeed).join(CalendarFeed.person)
                             .where(CalendarFeed.token_hash == hash_token(token), CalendarFeed.revoked_at.is_(None),
                                    Person.is_active_account.is_(True)))
