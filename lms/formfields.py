"""Form fields of our own: the GOV.UK date input (a date typed as day, month and year in three boxes)."""
from datetime import date

from wtforms import Field
from wtforms.utils import unset_value

PARTS = ("day", "month", "year")


class DateInputField(Field):
    """A date typed as day, month and year, posted as `<name>-day`, `<name>-month` and `<name>-year`.

    UK order in every browser (a browser's date picker follows its own locale, often the US's). What is wrong is
    said in the GOV.UK words ("Date must include a month", "Date must be a real date"), and `error_parts` names
    the boxes at fault, so the page marks those and the error summary links to the first. Pair it with
    InputRequired (an empty date has no data; DataRequired would hide the precise message) or Optional.
    """

    def __init__(self, label=None, validators=None, noun=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        #: what the messages call the date: "Date must be a real date"
        self.noun = noun or self.label.text
        #: the boxes as posted, or None when the form was not posted with this date
        self.typed: dict[str, str] | None = None
        self.error_parts: list[str] = []

    @property
    def parts(self) -> dict[str, str]:
        """What the three boxes show: what was typed (so a mistake can be corrected), else the date's own."""
        if self.typed is not None:
            return self.typed
        if isinstance(self.data, date):
            return {"day": str(self.data.day), "month": str(self.data.month), "year": str(self.data.year)}
        return dict.fromkeys(PARTS, "")

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(None, data, extra_filters)
        keys = [f"{self.name}-{part}" for part in PARTS]
        if formdata is None or not any(key in formdata for key in keys):
            return
        self.typed = {part: formdata.get(key, "").strip() for part, key in zip(PARTS, keys)}
        self.data = None
        if not any(self.typed.values()):
            self.raw_data = []
            return
        self.raw_data = ["-".join(self.typed.values())]
        problem = self._problem()
        if problem:
            self.process_errors.append(problem)
        else:
            self.data = date(*(int(self.typed[part]) for part in ("year", "month", "day")))

    def _problem(self) -> str | None:
        """Set `error_parts` and return what is wrong with the typed date, or None when it is a real date."""
        typed = self.typed
        missing = [part for part in PARTS if not typed[part]]
        if missing:
            self.error_parts = missing
            return f"{self.noun} must include a {' and '.join(missing)}"
        not_numbers = [part for part in PARTS if not (typed[part].isascii() and typed[part].isdigit())]
        if not_numbers:
            self.error_parts = not_numbers
            return f"{self.noun} must be a real date"
        if len(typed["year"]) != 4:
            self.error_parts = ["year"]
            return "Year must include 4 numbers"
        day, month, year = (int(typed[part]) for part in PARTS)
        if not 1 <= month <= 12:
            self.error_parts = ["month"]
            return f"{self.noun} must be a real date"
        try:
            date(year, month, day)
        except ValueError:
            self.error_parts = ["day"]
            return f"{self.noun} must be a real date"
        return None


def date_args(name: str, day: date | None) -> dict[str, int]:
    """The query arguments a link carries for a date typed in a DateInputField called `name` (none for no date)."""
    if day is None:
        return {}
    return {f"{name}-day": day.day, f"{name}-month": day.month, f"{name}-year": day.year}
