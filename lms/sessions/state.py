"""A person's state on one session, worked out in one place so every page says the same: My sessions, the course
page, the session page and the register (issue 11.1)."""
import sqlalchemy as sa

from lms.sessions.models import Attendance, Booking

#: every state a person can be in on a session, as pages name it
STATE_LABELS = {"booked": "Booked", "waiting": "Waiting list", "attended": "Attended", "absent": "Absent",
                "excused": "Excused", "cancelled": "Cancelled"}
#: the GOV.UK tag colour of each state
STATE_TAGS = {"booked": "govuk-tag--green", "waiting": "govuk-tag--yellow", "attended": "govuk-tag--green",
              "absent": "govuk-tag--red", "excused": "govuk-tag--grey", "cancelled": "govuk-tag--red"}


def booking_state(booking: Booking | None, attendance: Attendance | None) -> str:
    """The register has the last word (a walk-in has no booking at all); otherwise the booking's own status, and a
    booking on a cancelled session is cancelled."""
    if attendance is not None:
        return attendance.status
    if booking is None or booking.status == "cancelled" or booking.session.is_cancelled:
        return "cancelled"
    return booking.status


def not_on_register() -> sa.ColumnElement[bool]:
    """A query condition true of the bookings whose person the register does not mark yet: the same last word as
    booking_state, for the queries that list seats still to come (My training, the home page)."""
    return ~sa.exists().where(Attendance.session_id == Booking.session_id, Attendance.person_id == Booking.person_id)
