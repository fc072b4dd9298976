"""From the launch request to the first epoch_end event, cold child against warm spare, in one run.

For a quick demo and for `base --quick`, each with a cold XLA cache (cleared first) and a warm one
(primed by the run before). Then, with a warm cache, a warm run alone against a warm run whose
successor spare starts at once beside it, as the app does after a hand-over (medians of N pairs).
Runs get the app's priorities: a cold child is lowered as the app lowers it, a spare waits at the
lowest priority and takes a run's when it becomes one. Prints Markdown tables with the ratios, the idle spare's
resident memory and the load average.

Usage: python benchmarks/bench_warm_start.py [--home DIR] [--run-niceness N] [--pairs N]
On a machine shared with other work, a run at the app's nice 10 (its session too) waits behind
every session at 0, and the figures measure that queue; `--run-niceness 0` measures the start.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time

from engine import priority, xla_cache
from engine.launcher import RunHandle, Spare, start_run, start_spare
from engine.registry import resolve_spec

WORKLOADS = (("demo-symmetry", "quick demo"), ("base", "base --quick"))


def _load() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


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


def _cold(home: str, experiment: str, niceness: int) -> tuple[float, float, dict]:
    spec = resolve_spec(experiment, None, {}, quick=True)
    requested = time.time()
    handle = start_run(spec, home)
    priority.set_niceness(niceness, handle.process.pid if handle.process else None)  # as the app lowers its runs
    return _follow(handle, requested)


def _ready_spare(home: str) -> Spare:
    spare = start_spare(home)
    while not spare.ready():
        if not spare.alive():
            raise SystemExit(f"the spare died while warming up; see {home}/spare.log")
        time.sleep(0.05)
    return spare


def _warm(home: str, experiment: str, niceness: int,
          successor: bool = False) -> tuple[float, float, dict, float, int | None]:
    spare = _ready_spare(home)
    ready_after, rss = spare.ready_after or 0.0, spare.resident_bytes()
    spec = resolve_spec(experiment, None, {}, quick=True)
    requested = time.time()
    handle = spare.hand_over(spec, niceness=niceness)
    follower = start_spare(home) if successor else None  # the app starts it at once, at the lowest priority
    try:
        first, total, result = _follow(handle, requested)
    finally:
        if follower is not None:
            follower.close()
    return first, total, result, ready_after, rss


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", default=None)
    parser.add_argument("--run-niceness", type=int, default=priority.run_niceness(),
                        help="the runs' nice value (default: the app's); spares always wait at 19")
    parser.add_argument("--pairs", type=int, default=3, help="runs alone and beside a successor spare, each")
    args = parser.parse_args()
    home, niceness = args.home or tempfile.mkdtemp(prefix="bench-warm-"), args.run_niceness
    os.environ.pop("TF_XLA_FLAGS", None)
    print(f"load average before: {_load()}; runs at nice {niceness}, spares at {priority.SPARE_NICENESS}")
    print("| workload | XLA cache | cold: 1st epoch | warm: 1st epoch | ratio | cold: whole | warm: whole | ratio "
          "| cache hit cold/warm | spare ready after | idle spare RSS | load (1/5/15 min) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for experiment, label in WORKLOADS:
        for cache_state in ("cold", "warm"):
            if cache_state == "cold":
                xla_cache.clear(home)
            c_first, c_total, c_result = _cold(home, experiment, niceness)
            if cache_state == "cold":
                xla_cache.clear(home)
            w_first, w_total, w_result, ready_after, rss = _warm(home, experiment, niceness)
            assert c_result["start"] == "cold" and w_result["start"] == "warm"
            hits = f"{c_result['compile_cache']['hit']}/{w_result['compile_cache']['hit']}"
            print(f"| {label} | {cache_state} | {c_first:.2f} s | {w_first:.2f} s | {c_first / w_first:.1f}× "
                  f"| {c_total:.2f} s | {w_total:.2f} s | {c_total / w_total:.1f}× | {hits} | {ready_after:.1f} s "
                  f"| {(rss or 0) / 2**20:.0f} MB | {_load()} |", flush=True)
    print()
    print(f"Medians of {args.pairs} pairs:")
    print("| workload (warm cache) | warm alone: 1st epoch | with a successor spare: 1st epoch | ratio "
          "| alone: whole | with successor: whole | ratio | load (1/5/15 min) |")
    print("|---|---|---|---|---|---|---|---|")
    for experiment, label in WORKLOADS:
        alone, beside = [], []
        for pair in range(args.pairs):  # alternating which goes first, so neither always meets a cooler machine
            order = (False, True) if pair % 2 == 0 else (True, False)
            for successor in order:
                first, total, *_ = _warm(home, experiment, niceness, successor=successor)
                (beside if successor else alone).append((first, total))
        a_first, a_total = (statistics.median(v) for v in zip(*alone))
        s_first, s_total = (statistics.median(v) for v in zip(*beside))
        print(f"| {label} | {a_first:.2f} s | {s_first:.2f} s | {s_first / a_first:.2f} | {a_total:.2f} s "
              f"| {s_total:.2f} s | {s_total / a_total:.2f} | {_load()} |", flush=True)
    print(f"load average after: {_load()}")


if __name__ == "__main__":
    main()
