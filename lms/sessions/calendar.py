"""Calendar entries (RFC 5545) for sessions: one stable UID per session, SEQUENCE bumped on every change."""
from datetime import UTC, datetime

from flask import current_app
from icalendar import Calendar, Event, vCalAddress, vText

from lms.sessions.models import TrainingSession
from lms.timeutil import utcnow

PRODID = "-//Investigation Masterclass//Sessions//EN"


def event_uid(session: TrainingSession) -> str:
    return f"session-{session.uid}@investigation-masterclass"


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC)


def session_url(session: TrainingSession) -> str:
    return f"{current_app.config['SITE_URL']}/sessions/{session.id}"


def session_event(session: TrainingSession, *, cancelled: bool = False, extra_sequence: int = 0,
                  join_link: bool = False) -> Event:
    """The event for a session; `cancelled` marks it so for one person (their booking ended) or everyone.

    `join_link`: whether the reader may see the online link (rules.may_see_join_link); a cancelled entry never has it.
    """
    event = Event()
    event.add("uid", event_uid(session))
    event.add("dtstamp", _utc(utcnow()))
    event.add("dtstart", _utc(session.starts_at))
    event.add("dtend", _utc(session.ends_at))
    event.add("last-modified", _utc(session.updated_at))
    event.add("sequence", session.sequence + extra_sequence)
    event.add("summary", f"{session.course.title}: small-group session")
    event.add("location", session.where)
    lines = [f"Trainer: {', '.join(t.name for t in session.trainers)}" if session.trainers else "",
             f"Join online: {session.online_url}" if session.online_url and join_link and not cancelled else "",
             session.notes,
             f"Details and your booking: {session_url(session)}"]
    event.add("description", "\n\n".join(line for line in lines if line))
    event.add("url", session_url(session))
    event.add("status", "CANCELLED" if cancelled or session.is_cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{current_app.config['MAIL_FROM']}")
    organizer.params["cn"] = vText(f"{current_app.config['FORCE_NAME']} Investigation Masterclass")
    event.add("organizer", organizer)
    return event


def build_calendar(events: list[Event], *, method: str | None = "PUBLISH", name: str | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()


def session_ics(session: TrainingSession, *, cancelled: bool = False, extra_sequence: int = 0,
                join_link: bool = False) -> str:
    """A one-event calendar: METHOD:CANCEL when it withdraws the entry, so the client removes it."""
    cancelled = cancelled or session.is_cancelled
    event = session_event(session, cancelled=cancelled, extra_sequence=extra_sequence, join_link=join_link)
    return build_calendar([event], method="CANCEL" if cancelled else "PUBLISH").decode()
