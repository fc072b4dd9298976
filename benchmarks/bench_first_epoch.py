"""Time from typing `ch11-tutor run base` to its first epoch event, against a bare TensorFlow import.

The ratio says how much of the wait is TensorFlow's own import and how much is ours (data,
model, tracing, the first epoch itself). Each is measured as a fresh process, in one run.

    .venv/bin/python benchmarks/bench_first_epoch.py [--repeat 2]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).with_name("ch11-tutor")


def time_to_first_epoch(home: str) -> dict[str, float]:
    """Seconds from process start to each milestone event of a real base run (stopped after epoch 1)."""
    env = {**os.environ, "CH11_TUTOR_HOME": home}
    start = time.perf_counter()
    child = subprocess.Popen([str(BIN), "run", "base", "--json", "--epochs", "1"], stdout=subprocess.PIPE,
                             text=True, env=env)
    marks: dict[str, float] = {}
    assert child.stdout is not None
    for line in child.stdout:
        event = json.loads(line)
        name = event["type"] if event["type"] != "phase" else f"phase: {event['name']}"
        marks.setdefault(name, time.perf_counter() - start)
        if event["type"] == "epoch_end":
            break
    child.wait()
    return marks


def time_tf_import() -> float:
    """Seconds for a fresh interpreter to import TensorFlow and exit."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import tensorflow"], check=True, capture_output=True,
                   env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    imports, firsts = [], []
    for _ in range(args.repeat):
        imports.append(time_tf_import())
        with tempfile.TemporaryDirectory() as home:
            marks = time_to_first_epoch(home)
        firsts.append(marks["epoch_end"])
        print("  ".join(f"{name} {seconds:.2f}s" for name, seconds in marks.items()))
    tf_import, first = statistics.median(imports), statistics.median(firsts)
    print(f"import tensorflow: {tf_import:.2f}s; `ch11-tutor run base` to first epoch: {first:.2f}s "
          f"(ratio {first / tf_import:.2f}; the full-data epoch itself is part of it)")


if __name__ == "__main__":
    main()
