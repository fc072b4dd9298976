"""From the launch request to the first epoch_end event, cold child against warm spare, in one run.

For a quick demo and for `base --quick`, each with a cold XLA cache (cleared first) and a warm one
(primed by the run before). Prints a Markdown table with the ratios, the idle spare's resident
memory and the load average. Usage: python benchmarks/bench_warm_start.py [--home DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
import time

from engine import xla_cache
from engine.launcher import RunHandle, start_run, start_spare
from engine.registry import resolve_spec

WORKLOADS = (("demo-symmetry", "quick demo"), ("base", "base --quick"))


def _follow(handle: RunHandle, requested: float) -> tuple[float, float, dict]:
    """Seconds to the first epoch_end (by the event's own clock) and to the run's exit."""
    first = None
    while True:
        for event in handle.new_events():
            if event.get("type") == "epoch_end" and first is None:
                first = event["time"] - requested
        if handle.poll() is not None:
            for event in handle.new_events():
                if event.get("type") == "epoch_end" and first is None:
                    first = event["time"] - requested
            break
        time.sleep(0.02)
    total = time.time() - requested
    result = json.loads((handle.path / "result.json").read_text())
    return (first if first is not None else float("nan")), total, result


def _cold(home: str, experiment: str) -> tuple[float, float, dict]:
    spec = resolve_spec(experiment, None, {}, quick=True)
    requested = time.time()
    return _follow(start_run(spec, home), requested)


def _warm(home: str, experiment: str) -> tuple[float, float, dict, float, int | None]:
    spare = start_spare(home)
    while not spare.ready():
        if not spare.alive():
            raise SystemExit(f"the spare died while warming up; see {home}/spare.log")
        time.sleep(0.05)
    ready_after, rss = spare.ready_after or 0.0, spare.resident_bytes()
    spec = resolve_spec(experiment, None, {}, quick=True)
    requested = time.time()
    first, total, result = _follow(spare.hand_over(spec), requested)
    return first, total, result, ready_after, rss


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", default=None)
    home = parser.parse_args().home or tempfile.mkdtemp(prefix="bench-warm-")
    os.environ.pop("TF_XLA_FLAGS", None)
    print(f"load average before: {os.getloadavg()}")
    print("| workload | XLA cache | cold: 1st epoch | warm: 1st epoch | ratio | cold: whole | warm: whole | ratio "
          "| cache hit cold/warm | spare ready after | idle spare RSS |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for experiment, label in WORKLOADS:
        for cache_state in ("cold", "warm"):
            if cache_state == "cold":
                xla_cache.clear(home)
            c_first, c_total, c_result = _cold(home, experiment)
            if cache_state == "cold":
                xla_cache.clear(home)
            w_first, w_total, w_result, ready_after, rss = _warm(home, experiment)
            assert c_result["start"] == "cold" and w_result["start"] == "warm"
            hits = f"{c_result['compile_cache']['hit']}/{w_result['compile_cache']['hit']}"
            print(f"| {label} | {cache_state} | {c_first:.2f} s | {w_first:.2f} s | {c_first / w_first:.1f}× "
                  f"| {c_total:.2f} s | {w_total:.2f} s | {c_total / w_total:.1f}× | {hits} | {ready_after:.1f} s "
                  f"| {(rss or 0) / 2**20:.0f} MB |", flush=True)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
