"""Charts drawn on the server as SVG geometry: no script, nothing for the Content Security Policy to allow.

Each function turns labelled numbers into shapes with coordinates; the template only writes them out.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    x: float
    y: float
    width: float
    height: float
    show_label: bool = True

    @property
    def label_x(self) -> float:
        return self.x - 8

    @property
    def text_x(self) -> float:
        return round(self.x + self.width + 6, 2)

    @property
    def text_y(self) -> float:
        return round(self.y + self.height / 2 + 4, 2)


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    maximum: float

    @property
    def empty(self) -> bool:
        return not any(bar.value for bar in self.bars)


def columns(points: list[tuple[str, float]], *, width: int = 720, height: int = 180, labels: int = 8) -> Chart:
    """Vertical bars, one per point (a day), with about `labels` axis labels spread along the bottom."""
    maximum = max((value for _label, value in points), default=0) or 1
    plot = height - 20
    step = width / max(len(points), 1)
    every = max(1, round(len(points) / labels))
    bars = []
    for index, (label, value) in enumerate(points):
        bar_height = plot * value / maximum
        bars.append(
            Bar(
                label=label,
                value=value,
                text=f"{label}: {value:g}",
                x=round(index * step + step * 0.1, 2),
                y=round(plot - bar_height, 2),
                width=round(step * 0.8, 2),
                height=round(bar_height, 2),
                show_label=index % every == 0,
            )
        )
    return Chart(width=width, height=height, bars=bars, maximum=maximum)


def rows(items: list[tuple[str, float, str]], *, width: int = 720, row_height: int = 26, label_width: int = 220):
    """Horizontal bars, one per row, the label on the left and the value's text at the bar's end."""
    maximum = max((value for _label, value, _text in items), default=0) or 1
    room = width - label_width - 90
    bars = [
        Bar(
            label=label,
            value=value,
            text=text,
            x=label_width,
            y=index * row_height + 3,
            width=round(max(room * value / maximum, 1 if value else 0), 2),
            height=row_height - 8,
        )
        for index, (label, value, text) in enumerate(items)
    ]
    return Chart(width=width, height=max(len(items), 1) * row_height, bars=bars, maximum=maximum)
