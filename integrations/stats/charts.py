"""Geometry for the server-side SVG charts of the statistics page (no JavaScript library).

The templates draw what these return: plain numbers in a fixed viewBox, so the SVG scales with
the page and works without scripts.
"""

from dataclasses import dataclass

BAR_AREA_HEIGHT = 160
BAR_WIDTH = 24
BAR_GAP = 6
# Long periods get thinner bars so a year stays about this wide instead of 11,000 px.
MAX_BARS_WIDTH = 1000
LEFT_AXIS = 40
BOTTOM_AXIS = 44
CELL = 26
HEATMAP_LEFT = 40
HEATMAP_TOP = 20


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value_text: str
    show_label: bool
    label_x: float
    label_y: float


def bar_chart(
    items: list[tuple[str, float]],
    *,
    max_value: float | None = None,
    value_format=str,
    every_nth_label: int = 1,
) -> dict:
    """Vertical bars; ``max_value`` fixes the scale (1.0 for ratios), else the largest value."""
    top = max_value if max_value is not None else max((v for _, v in items), default=0)
    top = top or 1
    pitch = min(BAR_WIDTH + BAR_GAP, MAX_BARS_WIDTH / max(len(items), 1))
    bar_width = pitch * BAR_WIDTH / (BAR_WIDTH + BAR_GAP)
    bars = []
    for index, (label, value) in enumerate(items):
        height = BAR_AREA_HEIGHT * min(max(value, 0) / top, 1)
        x = LEFT_AXIS + BAR_GAP + index * pitch
        bars.append(
            Bar(
                x=round(x, 2),
                y=round(BAR_AREA_HEIGHT - height + 10, 2),
                width=round(bar_width, 2),
                height=round(height, 2),
                label=label,
                value_text=value_format(value),
                show_label=index % every_nth_label == 0,
                label_x=round(x + bar_width / 2, 2),
                label_y=BAR_AREA_HEIGHT + 24,
            )
        )
    width = round(LEFT_AXIS + BAR_GAP + len(items) * pitch + 10)
    return {
        "bars": bars,
        "width": max(width, 200),
        "height": BAR_AREA_HEIGHT + BOTTOM_AXIS,
        "axis_y": BAR_AREA_HEIGHT + 10,
        "top_label": value_format(top),
        "axis_right": max(width, 200) - 4,
    }


def _blend(ratio: float) -> str:
    """White-ish (#eaeef2) for 0 to the accent blue (#0a58ca) for 1."""
    ratio = min(max(ratio, 0.0), 1.0)
    low, high = (0xEA, 0xEE, 0xF2), (0x0A, 0x58, 0xCA)
    channels = (round(a + (b - a) * ratio) for a, b in zip(low, high, strict=True))
    return "#" + "".join(f"{c:02x}" for c in channels)


def ratio_scale_top(values: list[float]) -> float:
    """The smallest of 10%, 20%, 25%, 50%, 100% that fits every value: low occupancy stays
    readable instead of a row of slivers under a 100% line."""
    peak = max(values, default=0.0)
    return next((top for top in (0.1, 0.2, 0.25, 0.5) if peak <= top), 1.0)


def heatmap(matrix: list[list[float | None]], weekday_names: list[str]) -> dict:
    """7 x 24 occupancy cells, trimmed to the hours the coworking is open on some day.

    Colours are relative to the busiest cell (shown in the legend), numbers are absolute %.
    """
    open_hours = [h for h in range(24) if any(row[h] is not None for row in matrix)]
    if not open_hours:
        open_hours = list(range(8, 22))
    peak = max((v for row in matrix for v in row if v is not None), default=0.0) or 1.0
    first = open_hours[0]
    last = open_hours[-1]
    hours = list(range(first, last + 1))
    cells = []
    for w, row in enumerate(matrix):
        for column, h in enumerate(hours):
            value = row[h]
            cells.append(
                {
                    "x": HEATMAP_LEFT + column * CELL,
                    "y": HEATMAP_TOP + w * CELL,
                    "text_x": HEATMAP_LEFT + column * CELL + (CELL - 2) / 2,
                    "text_y": HEATMAP_TOP + w * CELL + CELL / 2 + 2,
                    "fill": "#f6f8fa" if value is None else _blend(value / peak),
                    "title": f"{weekday_names[w]} {h:02d}:00 — "
                    + ("—" if value is None else f"{value:.0%}"),
                    "dark": value is not None and value / peak > 0.55,
                    "text": "" if value is None else f"{round(value * 100)}",
                }
            )
    return {
        "cells": cells,
        "cell": CELL - 2,
        "rows": [
            {"label": name, "y": HEATMAP_TOP + i * CELL + CELL / 2 + 4}
            for i, name in enumerate(weekday_names)
        ],
        "columns": [
            {"label": f"{h:02d}", "x": HEATMAP_LEFT + i * CELL + CELL / 2}
            for i, h in enumerate(hours)
        ],
        "peak": peak,
        "width": HEATMAP_LEFT + len(hours) * CELL + 10,
        "height": HEATMAP_TOP + 7 * CELL + 10,
    }
