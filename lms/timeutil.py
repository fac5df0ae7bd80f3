"""Store times in UTC; show them in Europe/London. Every "now" in the app comes from here, so tests can move it."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


class _Clock:
    #: how far "now" is from the real time. Only tests change it (set_now): the clock moved keeps ticking, because
    #: code relies on time advancing (the order of bookings made one after another, timeouts).
    offset = timedelta(0)


def utcnow() -> datetime:
    """Return the current time in UTC, naive, as every `*_at` column stores it."""
    return datetime.now(UTC).replace(tzinfo=None) + _Clock.offset


def set_now(moment: datetime | None) -> None:
    """Make the clock read `moment` (naive UTC) now and tick on from there; None puts it back to the real time."""
    _Clock.offset = timedelta(0) if moment is None else moment - datetime.now(UTC).replace(tzinfo=None)


def to_london(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC).astimezone(LONDON)


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return to_london(value).strftime("%-d %b %Y, %H:%M")


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_london(value)
    return value.strftime("%-d %B %Y")


def today_london() -> date:
    return to_london(utcnow()).date()


def from_london(day: date, at: time) -> datetime:
    """Return the naive UTC time of a London wall-clock time; refuse one the clocks skip in spring."""
    local = datetime.combine(day, at, tzinfo=LONDON)
    utc = local.astimezone(UTC)
    if utc.astimezone(LONDON).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise ValueError(f"{at:%H:%M} does not exist on {day:%-d %B %Y}: the clocks go forward that night.")
    return utc.replace(tzinfo=None)


def format_weekday(value: datetime | None) -> str:
    """The day of the week ("Sat"): officers pick a session to fit their shift pattern."""
    return to_london(value).strftime("%a") if value else ""


def format_time(value: datetime | None) -> str:
    return to_london(value).strftime("%H:%M") if value else ""


def format_end(ends_at: datetime, starts_at: datetime) -> str:
    """The end of something that started at `starts_at`: "12:00", or "01:30 the next day" past midnight (UK time)."""
    days = (to_london(ends_at).date() - to_london(starts_at).date()).days
    if days == 0:
        return format_time(ends_at)
    return f"{format_time(ends_at)} the next day" if days == 1 else format_datetime(ends_at)


def format_span(start: datetime, end: datetime) -> str:
    """ "29 Nov 2026, 23:00 to 23:55": the date said once, and again only when the end falls on another day."""
    same_day = to_london(start).date() == to_london(end).date()
    return f"{format_datetime(start)} to {format_time(end) if same_day else format_datetime(end)}"
