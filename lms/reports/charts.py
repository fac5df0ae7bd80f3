"""Geometry for the snapshot's charts, drawn as SVG by templates/reports/_charts.html: no JavaScript, no images.

Across the page the charts are measured in percentages of their width and down it in pixels, and their text is
sized by CSS, so a chart fills a 360 px phone or a desktop column with text that stays readable (a scaled viewBox
would shrink the text on a phone). Every chart has its numbers in a table beside it as well.
"""
from dataclasses import dataclass, field

ROW = 40  # one horizontal bar, in px: a label line above a 16 px bar
BAR = 16
#: the longest bar, in percent of the width: the rest is kept for the value written after it
SPAN = 76.0
MARKER_ROOM = 20
PLOT_TOP, PLOT_HEIGHT, AXIS_ROOM = 22, 150, 24
#: more columns than this are too narrow on a phone for their values side by side ("10.4%" is wider than a twelfth
#: of 330 px): there every other value is drawn RAISE px above both its neighbours', and the plot keeps the room
SIDE_BY_SIDE, RAISE = 6, 15


@dataclass
class Bar:
    label: str
    #: the value in words, drawn at the end of the bar (or above the column)
    text: str
    #: across: percent of the width; down: px
    x: float
    y: float
    width: float
    height: float
    label_x: float = 0
    label_y: float = 0
    text_x: float = 0
    text_y: float = 0
    #: where the value goes on a phone, when not at text_y (lms.css shows one or the other)
    phone_text_y: float | None = None


@dataclass
class Chart:
    #: px
    height: float
    bars: list[Bar] = field(default_factory=list)
    #: a reference line (the force average): its x in percent and its label
    marker: tuple[float, str] | None = None
    span: float = SPAN
    #: the y of the axis line (column charts)
    axis_y: float = 0


def horizontal_bars(items: list[tuple[str, float, str]], top: float,
                    marker: tuple[float, str] | None = None) -> Chart:
    """One bar per (label, value, text); a value of `top` fills SPAN percent; an optional marker at a value."""
    scale = SPAN / top if top else 0
    offset = MARKER_ROOM if marker else 0
    chart = Chart(height=offset + ROW * len(items) + 4)
    for place, (label, value, text) in enumerate(items):
        y = offset + place * ROW
        width = max(value * scale, 0)
        chart.bars.append(Bar(label=label, text=text, x=0, y=y + 20, width=width, height=BAR,
                              label_x=0, label_y=y + 15, text_x=width + 1, text_y=y + 33))
    if marker is not None:
        chart.marker = (marker[0] * scale, marker[1])
    return chart


def columns(items: list[tuple[str, float, str]], top: float) -> Chart:
    """One column per (label, value, text); a value of `top` is the full plot height; labels under, values above."""
    stagger = len(items) > SIDE_BY_SIDE
    base = PLOT_TOP + (RAISE if stagger else 0) + PLOT_HEIGHT
    chart = Chart(height=base + AXIS_ROOM, axis_y=base + 0.5)
    slot = 100 / max(len(items), 1)
    width = slot * 0.7
    scale = PLOT_HEIGHT / top if top else 0
    for place, (label, value, text) in enumerate(items):
        height = max(value * scale, 0)
        x = place * slot + (slot - width) / 2
        chart.bars.append(Bar(label=label, text=text, x=x, y=base - height, width=width, height=height,
                              label_x=x + width / 2, label_y=base + 17, text_x=x + width / 2,
                              text_y=base - height - 5))
    if stagger:
        for place in range(1, len(chart.bars), 2):
            neighbours = chart.bars[place - 1:place + 2]
            chart.bars[place].phone_text_y = min(bar.text_y for bar in neighbours) - RAISE
    return chart
