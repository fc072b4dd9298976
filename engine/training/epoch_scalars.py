"""TensorBoard scalars from a run's epoch_end events, for the runs whose training writes none itself.

The base network and the search write TensorBoard logs from inside their own training loops. The
demos, topics and transfer runs train many small configurations through shared helpers; instead
of a writer in every helper, the run's event writer hands each epoch_end event to this listener,
which writes the very numbers the tutor's curves show: one TensorBoard run per series, with
`train` and `validation` sides named as Keras names them (`epoch_loss`, `epoch_accuracy`, …).
"""
from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

FOLDER = "tensorboard"
FLUSH_MILLIS = 2000  # TensorBoard shows a live run's scalars within seconds, without a flush per epoch


def series_folder(series: str | None, taken: set[str]) -> str:
    """A shell-friendly folder name for a series ("frozen · seed 43" -> "frozen-seed-43"), unique in `taken`."""
    base = re.sub(r"[^a-z0-9.+]+", "-", (series or "run").lower()).strip("-") or "run"
    name, count = base, 2
    while name in taken:
        name, count = f"{base}-{count}", count + 1
    return name


def split_metrics(metrics: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Keras-style names per side: val_loss goes to validation as epoch_loss; missing (None) values are left out."""
    sides: dict[str, dict[str, float]] = {}
    for name, value in metrics.items():
        if value is None:
            continue
        side = "validation" if name.startswith("val_") else "train"
        sides.setdefault(side, {})[f"epoch_{name.removeprefix('val_')}"] = float(value)
    return sides


class EpochScalars:
    """An event listener: each epoch_end becomes TensorBoard scalars under the run's tensorboard/ folder."""

    def __init__(self, run_dir: Path) -> None:
        self.root = Path(run_dir) / FOLDER
        self.folders: dict[str | None, str] = {}
        self.writers: dict[tuple[str, str], Any] = {}
        self.broken = False

    def __call__(self, event: dict[str, Any]) -> None:
        if event.get("type") != "epoch_end" or self.broken:
            return
        try:
            self._write(event)
        except Exception as failure:  # a side view: a writer that fails must not end the learner's run
            self.broken = True
            print(f"TensorBoard scalars stopped: {type(failure).__name__}: {failure}", file=sys.__stderr__)

    def _write(self, event: dict[str, Any]) -> None:
        # An epoch only ends after the runner has imported TensorFlow: this module uses that copy and
        # imports none itself, so the command line and the app that import engine.execute stay light.
        tf = sys.modules["tensorflow"]

        series = event.get("series")
        if series not in self.folders:
            self.folders[series] = series_folder(series, set(self.folders.values()))
        sides = split_metrics(event.get("metrics") or {})
        if event.get("learning_rate") is not None:
            sides.setdefault("train", {})["epoch_learning_rate"] = float(event["learning_rate"])
        for side, values in sides.items():
            key = (self.folders[series], side)
            if key not in self.writers:
                self.writers[key] = tf.summary.create_file_writer(str(self.root / key[0] / side),
                                                                  flush_millis=FLUSH_MILLIS)
            with self.writers[key].as_default():
                for name, value in values.items():
                    tf.summary.scalar(name, value, step=int(event["epoch"]))

    def close(self) -> None:
        """Flush and close every writer (the run's end)."""
        for writer in self.writers.values():
            try:
                writer.close()
            except Exception as failure:  # same as above: the run's own result comes first
                print(f"TensorBoard scalars not flushed: {failure}", file=sys.__stderr__)
        self.writers.clear()
