"""How `ch11-tutor run` shows a run: a rich live display on a terminal, one line an epoch when piped,
or the raw events with --json. Each display is an event listener."""
from __future__ import annotations

import json
import sys
import time
from typing import Any, TextIO

from engine.run_index import human_size
from engine.run_table import columns_for, short_ids

METRIC_ORDER = ("loss", "accuracy", "val_loss", "val_accuracy")


def epoch_line(event: dict[str, Any]) -> str:
    """One plain line for an epoch_end event."""
    metrics = event.get("metrics", {})
    names = [m for m in METRIC_ORDER if m in metrics] + sorted(set(metrics) - set(METRIC_ORDER))
    shown = "  ".join(f"{name} {metrics[name]:.4f}" for name in names if isinstance(metrics[name], (int, float)))
    tag = "".join(f"[{event[k]}] " for k in ("series", "trial") if event.get(k) is not None)
    return f"{tag}epoch {event.get('epoch')}/{event.get('epochs', '?')}  {shown}  ({event.get('seconds', 0):.2f}s)"


def final_line(event: dict[str, Any], run_id: str) -> str:
    """The closing sentence for a terminal event."""
    summary = event.get("summary") or {}
    if event["type"] == "run_failed":
        return f"Run {run_id} failed: {event.get('error', 'see output.log in its folder')}"
    parts = []
    for key, label in (("test_accuracy", "test accuracy"), ("best_val_accuracy", "best validation accuracy")):
        if isinstance(summary.get(key), (int, float)):
            parts.append(f"{label} {summary[key]:.2%}")
    if summary.get("epochs"):
        parts.append(f"{summary['epochs']} epochs")
    parts.append(f"{event.get('seconds', 0):.1f}s")
    word = "finished" if event["type"] == "run_finished" else "cancelled (best checkpoint kept)"
    return f"Run {run_id} {word}: " + ", ".join(parts)


def table_lines(event: dict[str, Any]) -> str:
    """A table event as aligned plain-text lines (numbers to four significant digits)."""
    columns = [str(c) for c in event.get("columns") or []]
    rows = [[f"{v:.4g}" if isinstance(v, float) else "" if v is None else str(v) for v in row]
            for row in event.get("rows") or []]
    widths = [max(len(r[i]) if i < len(r) else 0 for r in [columns, *rows]) for i in range(len(columns))]
    lines = [str(event.get("title") or event.get("name") or "table")]
    for row in [columns, *rows]:
        lines.append("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    return "\n".join(lines) + "\n"


class JsonDisplay:
    """Streams every event as one JSON line on stdout."""

    def __init__(self, out: TextIO = sys.stdout) -> None:
        self.out = out

    def __call__(self, event: dict[str, Any]) -> None:
        self.out.write(json.dumps(event) + "\n")
        self.out.flush()


class PlainDisplay:
    """One line per phase, epoch and ending; no progress bars (for pipes and logs)."""

    def __init__(self, run_id: str = "", out: TextIO = sys.stdout) -> None:
        self.out, self.run_id = out, run_id
        self.tables: dict[str, dict[str, Any]] = {}  # latest of each name, printed once at the end

    def __call__(self, event: dict[str, Any]) -> None:
        kind = event["type"]
        line = None
        if kind == "table":
            self.tables[str(event.get("name"))] = event
        if kind in ("run_finished", "run_failed", "run_cancelled") and self.tables:
            self.out.write("".join(table_lines(t) for t in self.tables.values()))
            self.tables.clear()
        if kind == "run_started":
            self.run_id = event.get("run_id", self.run_id)
            line = f"Run {self.run_id}: {event['experiment']} ({event['preset']})"
        elif kind == "phase":
            line = f"- {event.get('name')}" + (f": {event['detail']}" if event.get("detail") else "")
        elif kind == "data_source":
            line = f"- data: {event.get('path')} ({event.get('kind')})"
        elif kind == "epoch_end":
            line = epoch_line(event)
        elif kind == "trial_end":
            line = f"trial {event.get('trial')} {event.get('status', '')}: score {event.get('score')}"
        elif kind in ("run_finished", "run_failed", "run_cancelled"):
            line = final_line(event, self.run_id)
        if line:
            self.out.write(line + "\n")
            self.out.flush()


class RichDisplay:
    """A live progress bar for the epoch (with ETA) over a scrolling log of epochs."""

    def __init__(self, run_id: str = "") -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        self.console = Console()
        self.run_id = run_id
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[info]}"),
                                 TimeRemainingColumn(), console=self.console, transient=True,
                                 redirect_stderr=False)  # Python warnings belong in output.log (fd 2)
        self.task = self.progress.add_task("starting", total=None, info="")
        self.plain = PlainDisplay(run_id, out=_ConsoleWriter(self.console))
        self._started = False
        self._last = time.monotonic()

    def __call__(self, event: dict[str, Any]) -> None:
        kind = event["type"]
        if not self._started:
            self.progress.start()
            self._started = True
        if kind == "batch_progress":
            metrics = event.get("metrics", {})
            info = "  ".join(f"{k} {v:.4f}" for k, v in metrics.items() if k in ("loss", "accuracy"))
            self.progress.update(self.task, description=f"epoch {event.get('epoch')}/{event.get('epochs')}",
                                 total=event.get("steps"), completed=event.get("step"), info=info)
            return
        if kind == "phase":
            self.progress.update(self.task, description=str(event.get("name")))
        if kind in ("run_finished", "run_failed", "run_cancelled"):
            self.progress.stop()
        self.plain(event)


class _ConsoleWriter:
    """A file-like object that prints through a rich console (above the live progress bar)."""

    def __init__(self, console: Any) -> None:
        self.console = console

    def write(self, text: str) -> None:
        if text.strip():
            self.console.print(text.rstrip("\n"), markup=False, highlight=False)

    def flush(self) -> None:
        pass


def run_cells(row: Any, run_label: str) -> dict[str, str]:
    """One run's cells for `ch11-tutor runs`, by column name (`run_label` is its full or short id)."""
    def pct(value: Any) -> str:
        return f"{value:.2%}" if isinstance(value, (int, float)) else ""

    return {"run": run_label, "experiment": row.experiment, "preset": row.preset, "status": row.status,
            "best val": pct(row.best_val_accuracy), "test acc": pct(row.test_accuracy),
            "epochs": str(row.epochs or ""), "time": f"{row.seconds:.1f}s" if row.seconds else "",
            "s/epoch": f"{row.seconds_per_epoch:.2f}" if row.seconds_per_epoch else "",
            "size": human_size(row.size_bytes)}


def runs_text(rows: list[Any]) -> str:
    """Every run with every column in full, aligned as plain text (for a pipe or a file)."""
    columns = columns_for(None)
    lines = [[run_cells(row, row.run_id)[c] for c in columns] for row in rows]
    widths = [max(len(line[i]) for line in [list(columns), *lines]) for i in range(len(columns))]
    return "".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() + "\n"
                   for line in [list(columns), *lines])


def runs_table(rows: list[Any], width: int, title: str = "") -> Any:
    """A rich table of the columns that fit `width`, each run named by a short id that `show` accepts."""
    from rich import box
    from rich.table import Table

    columns = columns_for(width)
    short = short_ids(row.run_id for row in rows)
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for column in columns:
        # names wrap (fold) rather than end in "…": a cut name cannot be read or typed back
        table.add_column(column, no_wrap=column in ("run", "status", "best val", "test acc"), overflow="fold",
                         justify="right" if column in ("best val", "test acc", "epochs", "time", "s/epoch", "size")
                         else "left")
    for row in rows:
        cells = run_cells(row, short[row.run_id])
        table.add_row(*[cells[c] for c in columns])
    return table
