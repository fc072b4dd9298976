"""The chart widget draws log-scaled axes with plotext's own scales when a curve event asks for them."""
from __future__ import annotations

from textual.app import App, ComposeResult

from tui.widgets.curve_chart import CurveChart

RATES = [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0]
LOSSES = [2.3, 2.2, 1.9, 1.1, 0.7, 1.5, 9.0]


class ChartApp(App):
    def compose(self) -> ComposeResult:
        yield CurveChart(id="chart")


async def drawn(**scales: str) -> tuple[CurveChart, str]:
    app = ChartApp()
    async with app.run_test(size=(80, 20)) as pilot:
        chart = app.query_one(CurveChart)
        chart.show({"loss": (RATES, LOSSES), "marker": ([0.01, 0.01], [0.7, 9.0]), "bad": ([0.0, -1.0], [1, 2])},
                   "range test", "learning rate", "loss", **scales)
        await pilot.pause()
        chart.refresh()
        await pilot.pause()  # a second build: plotext must not take the log of a log
        return chart, chart.render().plain  # a third build, as a resize would do


async def test_a_log_x_axis_spaces_powers_of_ten_evenly():
    chart, text = await drawn(x_scale="log")
    assert chart.scales == ("log", "linear")
    assert "0.00032" in text  # plotext's log ticks: the geometric midpoint of 1e-5 and 1e-2 gets a tick
    assert chart.plotted == {"loss": 7, "marker": 2}  # points a log axis cannot show are left out


async def test_without_a_scale_the_axes_stay_linear():
    chart, text = await drawn()
    assert chart.scales == ("linear", "linear")
    assert "0.00032" not in text
    assert chart.plotted == {"loss": 7, "marker": 2, "bad": 2}


async def test_a_log_y_axis_for_rates_spanning_orders_of_magnitude():
    chart, _ = await drawn(y_scale="log", x_scale="sideways")  # an unknown scale draws linear
    assert chart.scales == ("linear", "log")


async def test_the_legend_sits_under_the_chart_not_over_the_curves():
    app = ChartApp()
    async with app.run_test(size=(80, 20)) as pilot:
        chart = app.query_one(CurveChart)
        chart.show({"relu train": ([1, 2, 3], [0.9, 0.5, 0.2]), "relu val": ([1, 2, 3], [1.0, 0.6, 0.4])}, "loss")
        await pilot.pause()
        lines = chart.render().plain.splitlines()
        assert len(lines) == 20
        assert "relu train" in lines[-1] and "relu val" in lines[-1]
        assert not any("relu" in line for line in lines[:-1])  # nothing written inside the plot area
