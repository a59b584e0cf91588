"""Horizontal bar charts drawn as SVG on the server: geometry here, markup in a template."""

from dataclasses import dataclass

WIDTH, LABEL_WIDTH, BAR_HEIGHT, GAP, TOP = 640, 230, 22, 10, 30


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    y: int
    width: float
    over_reference: bool


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    height: int
    plot_left: int
    reference_x: float | None
    reference_text: str


def bar_chart(rows, reference: float | None, value_text, reference_text="") -> BarChart:
    """``rows``: (label, value) pairs; values without data (None) are left out."""
    rows = [(label, value) for label, value in rows if value is not None]
    top = max([value for _label, value in rows] + [reference or 0, 1])
    scale = (WIDTH - LABEL_WIDTH - 60) / top
    bars = [
        Bar(
            label=label,
            value=value,
            text=value_text(value),
            y=TOP + i * (BAR_HEIGHT + GAP),
            width=max(value * scale, 1),
            over_reference=reference is not None and value > reference,
        )
        for i, (label, value) in enumerate(rows)
    ]
    height = TOP + len(bars) * (BAR_HEIGHT + GAP) + 10
    reference_x = LABEL_WIDTH + reference * scale if reference is not None else None
    return BarChart(bars, height, LABEL_WIDTH, reference_x, reference_text)
