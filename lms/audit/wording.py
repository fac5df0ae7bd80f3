"""The audit trail in plain English: what changed, said as a person would say it, for the page and the CSV alike."""
from lms.people.models import RANKS

#: Actions a filter hides unless asked for: a sign-in a minute would bury every change an inquiry looks for.
SIGN_IN_ACTIONS = ("person.signed_in",)


def say_value(field: str, value) -> str:
    """One recorded value in words: lists joined, yes/no for flags, ranks by name, a dash for nothing."""
    if value is None or value == [] or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(say_value(field, item) for item in value)
    if field in ("rank", "ranks"):
        return RANKS.get(str(value), str(value))
    return str(value)


def _label(field: str) -> str:
    return f"{field[:1].upper()}{field[1:].replace('_', ' ')}"


def say_change(field: str, before, after) -> str:
    """ "Roles: officer → officer, trainer" """
    return f"{_label(field)}: {say_value(field, before)} → {say_value(field, after)}"


def change_lines(changes: dict) -> list[str]:
    return [say_change(field, *change) for field, change in (changes or {}).items()
            if isinstance(change, (list, tuple)) and len(change) == 2]


def person_changed_summary(name: str, changes: dict) -> str:
    """ "Roles of Emma Bennett changed: officer → officer, trainer", or "Changed Emma Bennett: team, roles" when
    several fields changed (each is then listed in full beside it)."""
    if len(changes) == 1:
        [(field, (before, after))] = changes.items()
        return f"{_label(field)} of {name} changed: {say_value(field, before)} → {say_value(field, after)}"
    return f"Changed {name}: {', '.join(changes)}"
