"""Calendar files: one session's entry, and a person's subscription feed at a secret, revocable address."""
from flask import Response, abort
from flask_login import current_user

from lms.access import public, signed_in
from lms.sessions import bp, queries
from lms.sessions.calendar import build_calendar, session_event, session_ics
from lms.sessions.feeds import feed_by_token
from lms.sessions.rules import may_see_join_link
from lms.sessions.viewhelpers import get_session_or_404

CALENDAR_TYPE = "text/calendar; charset=utf-8"


@bp.get("/<int:session_id>.ics")
@signed_in
def session_calendar(session_id: int):
    """Download one session's calendar entry (a cancelled session's withdraws it)."""
    session = get_session_or_404(session_id)
    own = queries.live_bookings_by_session(current_user.id, [session.id]).get(session.id)
    body = session_ics(session, join_link=may_see_join_link(current_user, own))
    return Response(body, mimetype="text/calendar", content_type=CALENDAR_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="session-{session.id}.ics"'})


@bp.get("/feed/<token>.ics")
@public  # calendar clients cannot sign in: the unguessable, revocable token is the credential
def feed(token: str):
    """Every session the person is booked on; ones they no longer have a seat on are published as cancelled."""
    found = feed_by_token(token)
    if found is None:
        abort(404)
    by_session = {}
    for booking in queries.feed_bookings(found.person_id):
        if booking.status == "booked" or booking.session_id not in by_session:
            by_session[booking.session_id] = booking
    events = [session_event(b.session, cancelled=b.status != "booked", join_link=b.status == "booked",
                            extra_sequence=0 if b.status == "booked" or b.session.is_cancelled else 1)
              for b in by_session.values()]
    body = build_calendar(events, method=None, name="Investigation Masterclass sessions")
    return Response(body, content_type=CALENDAR_TYPE, headers={"Cache-Control": "private, max-age=300"})
