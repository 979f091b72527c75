"""An accessible bar chart of a figure over quarters, drawn on the server as SVG (no script).

`bar_chart` works out the geometry only; `templates/quality/_trend_chart.html` draws it with a
title and a description (`role="img"`, `aria-labelledby`), and the page shows the same numbers
in a table beside it, so nothing is told by the picture alone (WCAG 1.1.1, 1.4.1).
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 320
HEIGHT = 160
LEFT = 28  # room for the axis labels
BOTTOM = 34  # room for the quarters' labels
TOP = 12


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    label_x: float


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    bars: tuple[Bar, ...]
    top_value: int
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: int = HEIGHT - BOTTOM
    top: int = TOP


def _nice_top(highest: int) -> int:
    """The axis's top: the highest value rounded up to 1, 2 or 5 times a power of ten."""
    if highest <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= highest:
                return step * factor
        step *= 10


def bar_chart(title: str, points: list[tuple[str, int]]) -> Chart:
    """Bars for (quarter label, value) pairs, oldest first."""
    top_value = _nice_top(max((value for _, value in points), default=0))
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / max(len(points), 1)
    bars = []
    for index, (label, value) in enumerate(points):
        height = plot_height * value / top_value
        x = LEFT + index * slot + slot * 0.15
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(x, 1),
                y=round(HEIGHT - BOTTOM - height, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
                label_x=round(x + slot * 0.35, 1),
            )
        )
    if points:
        described = "; ".join(f"{label}: {value}" for label, value in points)
        description = f"{title} by quarter, oldest first. {described}."
    else:
        description = f"No {title.lower()} reported yet."
    return Chart(title=title, description=description, bars=tuple(bars), top_value=top_value)
