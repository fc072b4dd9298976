"""Per-epoch cost of progress on the compiled loop: the base network's full data, one call an epoch
against chunked calls with batch_progress between them, in one run (medians, first epoch left out).

    .venv/bin/python benchmarks/bench_epoch_progress.py [--epochs 6]
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from engine import data  # noqa: E402
from engine.events import read_events  # noqa: E402
from engine.execute import execute  # noqa: E402
from engine.registry import resolve_spec  # noqa: E402
from engine.training import loop  # noqa: E402


def epoch_seconds(steps_per_call: int, epochs: int, home: str) -> tuple[list[float], int]:
    """One base run with the loop's call size set; its per-epoch seconds and progress events."""
    loop.STEPS_PER_CALL = steps_per_call
    spec = resolve_spec("base", "plain", {"epochs": epochs, "patience": epochs})
    status, path = execute(spec, home=home)
    assert status == "finished", status
    events = read_events(path / "events.jsonl")[0]
    return ([e["seconds"] for e in events if e["type"] == "epoch_end"],
            sum(e["type"] == "batch_progress" for e in events))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=6)
    args = parser.parse_args()
    default = loop.STEPS_PER_CALL
    print(f"data: {data.digits_split(data.load(), range(5)).sizes()}, {args.epochs} epochs each, "
          f"load average {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as home:
        whole, _ = epoch_seconds(10 ** 9, args.epochs, home)
        chunked, progress = epoch_seconds(default, args.epochs, home)
    a, b = statistics.median(whole[1:]), statistics.median(chunked[1:])
    print(f"one call an epoch: {a:.3f} s; {default} steps a call with progress: {b:.3f} s "
          f"({progress} batch_progress events); ratio {b / a:.3f}; load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
