"""A plotext line chart of named series (learning curves, per-layer statistics, run overlays)."""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual_plotext import PlotextPlot
from textual_plotext.plot import _sequence as PALETTE  # the colours textual-plotext itself gives curves

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
        self.scales = ("linear", "linear")  # the x and y scales of the last draw
        self.draws = 0
        self._points: dict[str, list[tuple[Any, Any]]] = {}

    def show(self, series: Series, title: str | None = None, x_label: str | None = None,
             y_label: str | None = None, x_scale: str = "linear", y_scale: str = "linear") -> None:
        """Replace what the chart shows and repaint it once; a "log" scale leaves out values that are not positive."""
        self.title = self.title if title is None else title
        self.x_label = self.x_label if x_label is None else x_label
        self.y_label = self.y_label if y_label is None else y_label
        self.scales = (_scale(x_scale), _scale(y_scale))
        self._points = {}
        for label, (xs, ys) in series.items():
            points = [(x, y) for x, y in zip(xs, ys) if _number(x) and _number(y)
                      and (self.scales[0] == "linear" or x > 0) and (self.scales[1] == "linear" or y > 0)]
            if points:
                self._points[label] = points
        self.plotted = {label: len(points) for label, points in self._points.items()}
        self._paint()
        self.draws += 1
        self.refresh()

    def _paint(self) -> None:
        """Hand the kept points to plotext."""
        plt = self.plt
        plt.clear_figure()
        plt.title(self.title)
        plt.xlabel(self.x_label)
        plt.ylabel(self.y_label)
        for index, points in enumerate(self._points.values()):
            # no plotext legend: it is drawn over the top rows of the curves; ours goes under the chart
            plt.plot([p[0] for p in points], [p[1] for p in points], color=colour(index))
        if not self._points:
            plt.text("waiting for data", x=0.5, y=0.5, alignment="center")
            plt.xlim(0, 1)
            plt.ylim(0, 1)
        else:  # plotext's own log axes (ticks at powers of ten), not relabelled linear ones
            plt.xscale(self.scales[0])
            plt.yscale(self.scales[1])

    def legend(self, width: int) -> list[Text]:
        """One mark in its curve's colour and the label per series, packed into lines of `width`."""
        lines: list[Text] = []
        line = Text()
        for index, label in enumerate(self._points):
            if not label:
                continue
            item = Text.assemble(("━━ ", Style(color=_rgb(colour(index)), bold=True)), label)
            if line.cell_len and line.cell_len + 3 + cell_len(item.plain) > width:
                lines.append(line)
                line = Text()
            line += Text("   ") + item if line.cell_len else item
        return [*lines, line] if line.cell_len else lines

    def render(self) -> Any:
        # plotext applies a log scale to its stored data in place when it builds, so a second build (any
        # repaint) would take the log of a log: give it the points afresh first.
        if "log" in self.scales:
            self._paint()
        width, height = self.size.width, self.size.height
        legend = self.legend(width)[: max(0, height - 5)]  # the plot keeps at least five rows
        self._plot.plotsize(width, height - len(legend))
        self._plot._set_size(width, height - len(legend))  # as PlotextPlot.render does (textual-plotext#5)
        self._plot.theme(self._get_plotext_theme_name(self.app.theme))
        return Text("\n").join([Text.from_ansi(self._plot.build().rstrip("\n")), *legend])


def colour(index: int) -> tuple[int, int, int]:
    """The colour of the index-th curve (the legend uses the same)."""
    return PALETTE[index % len(PALETTE)]


def _rgb(value: tuple[int, int, int]) -> str:
    return "rgb({},{},{})".format(*value)


def _scale(name: Any) -> str:
    """'log' when asked for, else 'linear' (an unknown or missing scale draws as before)."""
    return "log" if name == "log" else "linear"


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
