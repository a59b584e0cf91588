"""Horizontal bar charts drawn as SVG on the server: geometry here, markup in a template.

A bar's length is its value times one scale for the whole chart, so bars compare
truthfully; a value of 0 draws no bar at all (only its text). Long labels wrap
onto two lines and are then cut with "…"; the template repeats the full label in
each bar's ``<title>``.
"""

import textwrap
from dataclasses import dataclass

WIDTH, LABEL_WIDTH, VALUE_ROOM = 640, 230, 110
BAR_HEIGHT, ROW, TOP = 22, 40, 30
LABEL_CHARACTERS, LABEL_LINES = 30, 2  # about what 230 px hold at 14 px


@dataclass(frozen=True)
class Bar:
    label: str
    lines: list[str]  # the label as drawn
    value: float
    text: str
    y: int
    width: float  # 0: no bar is drawn
    over_reference: bool


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    height: int
    plot_left: int
    reference_x: float | None
    reference_text: str

    @property
    def scale(self) -> float:
        """Pixels per unit of value, the same for every bar."""
        return (WIDTH - LABEL_WIDTH - VALUE_ROOM) / self.top if self.top else 0.0

    top: float = 0.0


def label_lines(label: str) -> list[str]:
    lines = textwrap.wrap(label, LABEL_CHARACTERS) or [""]
    if len(lines) <= LABEL_LINES:
        return lines
    kept = lines[: LABEL_LINES - 1]
    rest = " ".join(lines[LABEL_LINES - 1 :])
    return [*kept, rest[: LABEL_CHARACTERS - 1].rstrip() + "…"]


def bar_chart(rows, reference: float | None, value_text, reference_text="") -> BarChart:
    """``rows``: (label, value) pairs; values without data (None) are left out."""
    rows = [(str(label), value) for label, value in rows if value is not None]
    top = max([value for _label, value in rows] + [reference or 0])
    plot_width = WIDTH - LABEL_WIDTH - VALUE_ROOM
    scale = plot_width / top if top > 0 else 0.0
    bars = [
        Bar(
            label=label,
            lines=label_lines(label),
            value=value,
            text=value_text(value),
            y=TOP + i * ROW,
            width=max(value, 0) * scale,
            over_reference=reference is not None and value > reference,
        )
        for i, (label, value) in enumerate(rows)
    ]
    height = TOP + len(bars) * ROW + 10
    reference_x = LABEL_WIDTH + reference * scale if reference is not None else None
    return BarChart(bars, height, LABEL_WIDTH, reference_x, reference_text, top)
