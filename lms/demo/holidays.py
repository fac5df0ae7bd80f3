"""England and Wales bank holidays, worked out for any year so the demo never schedules a session on one."""
from datetime import date, timedelta
from functools import cache

#: the one-off changes by royal proclamation: (year, name) -> the days instead of the usual rule's
_MOVED = {(2020, "early_may"): [date(2020, 5, 8)],
          (2022, "spring"): [date(2022, 6, 2), date(2022, 6, 3)]}
_EXTRA = {2022: [date(2022, 9, 19)], 2023: [date(2023, 5, 8)]}


def _easter(year: int) -> date:
    """Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=-day.weekday() % 7)


def _last_monday(year: int, month: int) -> date:
    last = (date(year, month + 1, 1) if month < 12 else date(year + 1, 1, 1)) - timedelta(days=1)
    return last - timedelta(days=last.weekday())


@cache
def bank_holidays(year: int) -> frozenset[date]:
    """The year's bank holidays; one falling at a weekend is replaced by the next weekday not already one."""
    easter = _easter(year)
    usual = {"early_may": [_monday_on_or_after(date(year, 5, 1))], "spring": [_last_monday(year, 5)]}
    days = {easter - timedelta(days=2), easter + timedelta(days=1), _last_monday(year, 8), *_EXTRA.get(year, [])}
    for name, rule in usual.items():
        days.update(_MOVED.get((year, name), rule))
    for fixed in (date(year, 1, 1), date(year, 12, 25), date(year, 12, 26)):
        while fixed in days or fixed.weekday() >= 5:
            fixed += timedelta(days=1)
        days.add(fixed)
    return frozenset(days)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)
