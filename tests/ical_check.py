"""A strict, line-level RFC 5545 check, independent of the library that writes our calendars."""
import re

NAME = re.compile(r"^[A-Z0-9-]+(?=[;:])")
REQUIRED_ONCE = {"VCALENDAR": ("VERSION", "PRODID"), "VEVENT": ("UID", "DTSTAMP", "DTSTART")}


def unfold(text: str) -> list[str]:
    """Check the physical lines (CRLF, at most 75 octets, folds start with a space) and return the logical ones."""
    assert text.endswith("\r\n"), "the last line must end with CRLF"
    physical = text[:-2].split("\r\n")
    assert "\n" not in "".join(physical) and "\r" not in "".join(physical), "bare LF or CR"
    logical: list[str] = []
    for number, line in enumerate(physical, 1):
        assert len(line.encode()) <= 75, f"line {number} is longer than 75 octets"
        if line[:1] in (" ", "\t"):
            assert logical, "a continuation line cannot come first"
            logical[-1] += line[1:]
        else:
            logical.append(line)
    return logical


def split(line: str) -> tuple[str, str]:
    """Name (with parameters) and value, split at the first colon outside a quoted parameter value."""
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return line[:index], line[index + 1:]
    raise AssertionError(f"no value: {line!r}")


def check(text: str) -> list[dict]:
    """Raise AssertionError for anything RFC 5545 forbids that we could get wrong; return each VEVENT's properties."""
    stack: list[tuple[str, dict]] = []
    events = []
    for line in unfold(text):
        match = NAME.match(line)
        assert match, f"not a content line: {line!r}"
        name, value = match.group(0), split(line)[1]
        if name == "BEGIN":
            stack.append((value, {}))
        elif name == "END":
            component, props = stack.pop()
            assert component == value, f"END:{value} closes BEGIN:{component}"
            for required in REQUIRED_ONCE.get(component, ()):
                assert len(props.get(required, [])) == 1, f"{component} needs exactly one {required}"
            if component == "VEVENT":
                events.append({key: values[0] for key, values in props.items()})
        else:
            assert stack, f"{name} outside any component"
            stack[-1][1].setdefault(name, []).append(value)
    assert stack == [], "unclosed components"
    return events
