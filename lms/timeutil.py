"""Store times in UTC; show them in Europe/London."""
from datetime import UTC, date, datetime
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
