"""Geometry for the snapshot's charts, drawn as SVG by templates/reports/_charts.html: no JavaScript, no images.

The charts are drawn 400 units wide with 13-unit text, so on a 360 px phone the text is still about 12 px; on a wide
screen CSS caps their width. Every chart has its numbers in a table beside it as well.
"""
from dataclasses import dataclass, field

WIDTH = 400
ROW = 38  # one horizontal bar: a label line above a 14-unit bar
BAR = 14
VALUE_ROOM = 48  # space kept right of the longest bar for its value
PLOT_TOP, PLOT_HEIGHT, AXIS_ROOM = 20, 150, 34


@dataclass
class Bar:
    label: str
    #: the value in words, drawn at the end of the bar
    text: str
    x: float
    y: float
    width: float
    height: float
    #: where the label and the value sit
    label_x: float = 0
    label_y: float = 0
    text_x: float = 0
    text_y: float = 0
    is_highlighted: bool = False


@dataclass
class Chart:
    height: float
    bars: list[Bar] = field(default_factory=list)
    #: a reference line (the force average): x or y position and its label
    marker: tuple[float, str] | None = None
    horizontal: bool = True


def horizontal_bars(items: list[tuple[str, float, str]], top: float, marker: tuple[float, str] | None = None,
                    highlight: set[str] = frozenset()) -> Chart:
    """One bar per (label, value, text), longest possible bar = `top`; an optional marker at a value."""
    span = WIDTH - VALUE_ROOM
    scale = span / top if top else 0
    chart = Chart(height=ROW * len(items) + (18 if marker else 4))
    offset = 18 if marker else 0
    for place, (label, value, text) in enumerate(items):
        y = offset + place * ROW
        width = max(value * scale, 0)
        chart.bars.append(Bar(label=label, text=text, x=0, y=y + 18, width=width, height=BAR, label_x=0,
                              label_y=y + 13, text_x=width + 4, text_y=y + 30, is_highlighted=label in highlight))
    if marker is not None:
        chart.marker = (marker[0] * scale, marker[1])
    return chart


def columns(items: list[tuple[str, float, str]], top: float) -> Chart:
    """One column per (label, value, text), tallest possible = `top`; labels under, values above."""
    chart = Chart(height=PLOT_TOP + PLOT_HEIGHT + AXIS_ROOM, horizontal=False)
    slot = WIDTH / max(len(items), 1)
    width = slot * 0.7
    scale = PLOT_HEIGHT / top if top else 0
    for place, (label, value, text) in enumerate(items):
        height = max(value * scale, 0)
        x = place * slot + (slot - width) / 2
        base = PLOT_TOP + PLOT_HEIGHT
        chart.bars.append(Bar(label=label, text=text, x=x, y=base - height, width=width, height=height,
                              label_x=x + width / 2, label_y=base + 16, text_x=x + width / 2,
                              text_y=base - height - 5))
    return chart
