"""Post forms as a browser would: a date goes as the three boxes of the GOV.UK date input."""
from datetime import date


def date_fields(name: str, value: date | str) -> dict[str, str]:
    """`{name}-day`, `-month` and `-year` for a date (or ISO text; "" leaves the boxes empty)."""
    if value == "":
        return {f"{name}-day": "", f"{name}-month": "", f"{name}-year": ""}
    day = value if isinstance(value, date) else date.fromisoformat(value)
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)}


def with_dates(data: dict, *names: str) -> dict:
    """`data` with each of the named date fields (ISO text or a date) split into its three boxes."""
    split = dict(data)
    for name in names:
        if name in split:
            split.update(date_fields(name, split.pop(name)))
    return split


def fill_date(page, legend: str, value: date | str, exact: bool = False) -> None:
    """In a browser, type a date (or ISO text) in the GOV.UK date input whose fieldset has this legend."""
    group = page.get_by_role("group", name=legend, exact=exact)
    for part, text in zip(("Day", "Month", "Year"), date_fields(legend, value).values()):
        group.get_by_label(part).fill(text)
