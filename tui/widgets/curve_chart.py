"""A plotext line chart of named series (learning curves, per-layer statistics, run overlays)."""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from textual_plotext import PlotextPlot

Series = Mapping[str, tuple[Sequence[Any], Sequence[Any]]]


class CurveChart(PlotextPlot):
    """Draws several labelled (x, y) series; points with a missing value are left out."""

    DEFAULT_CSS = """
    CurveChart {
        height: 1fr;
        min-height: 8;
    }
    """

    def __init__(self, title: str = "", x_label: str = "", y_label: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.title, self.x_label, self.y_label = title, x_label, y_label
        self.plotted: dict[str, int] = {}  # label -> points drawn, for tests and the empty notice
        self.draws = 0

    def show(self, series: Series, title: str | None = None, x_label: str | None = None,
             y_label: str | None = None) -> None:
        """Replace what the chart shows and repaint it once."""
        self.title = self.title if title is None else title
        self.x_label = self.x_label if x_label is None else x_label
        self.y_label = self.y_label if y_label is None else y_label
        plt = self.plt
        plt.clear_figure()
        plt.title(self.title)
        plt.xlabel(self.x_label)
        plt.ylabel(self.y_label)
        self.plotted = {}
        for label, (xs, ys) in series.items():
            points = [(x, y) for x, y in zip(xs, ys) if _number(x) and _number(y)]
            if not points:
                continue
            plt.plot([p[0] for p in points], [p[1] for p in points], label=label or None)
            self.plotted[label] = len(points)
        if not self.plotted:
            plt.text("waiting for data", x=0.5, y=0.5, alignment="center")
            plt.xlim(0, 1)
            plt.ylim(0, 1)
        self.draws += 1
        self.refresh()


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
