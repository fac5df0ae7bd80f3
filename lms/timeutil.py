"""Store times in UTC; show them in Europe/London."""
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    """Return the current time in UTC, naive, as every `*_at` column stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


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
    return datetime.now(LONDON).date()


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


def format_span(start: datetime, end: datetime) -> str:
    """ "29 Nov 2026, 23:00 to 23:55": the date said once, and again only when the end falls on another day."""
    same_day = to_london(start).date() == to_london(end).date()
    return f"{format_datetime(start)} to {format_time(end) if same_day else format_datetime(end)}"
