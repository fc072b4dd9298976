"""Wall time of one small Hyperband search served by a chief to 1 worker, then to 2 workers, in one run.

Every process is the command a user types (`ch11-tutor run tune --distributed …`) on 127.0.0.1,
under a fresh home. Two times are reported for each: the whole search as a learner waits for it
(chief start to chief finished, including each process's TensorFlow import and the chief's
retraining of the best model), and the search proper (first trial started to last trial ended,
read from the chief's events). The ratio 1 worker / 2 workers is the speed-up; the two are run
alternately, several times, and compared by their medians.

    .venv/bin/python benchmarks/bench_distributed.py [--preset wide] [--max-epochs 3] [--subset 1000] [--threads 1]
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.events import read_events  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_event(path: Path, name: str, process: subprocess.Popen, deadline: float) -> None:
    """Poll the chief's events until it serves (the workers' address check needs it listening)."""
    while time.monotonic() < deadline:
        if any(e["type"] == "phase" and e.get("name") == name for e in read_events(path)[0]):
            return
        if process.poll() is not None:
            raise SystemExit(f"the chief exited early ({process.returncode}); see {path.parent / 'output.log'}")
        time.sleep(0.05)
    raise SystemExit("the chief never started serving")


def one_search(workers: int, search_args: list[str], timeout: float, threads: int) -> dict:
    """Run the search with this many workers; return its timings and trial count."""
    home = Path(tempfile.mkdtemp(prefix=f"bench-distributed-{workers}-"))
    env = {**os.environ, "CH11_TUTOR_HOME": str(home), "TF_CPP_MIN_LOG_LEVEL": "2"}
    if threads:  # TensorFlow sizes its thread pools to every core in each process unless told otherwise
        env.update(TF_NUM_INTRAOP_THREADS=str(threads), TF_NUM_INTEROP_THREADS=str(threads))
    port = free_port()
    base = [sys.executable, "-m", "engine", "run", "tune", *search_args, "--oracle", f"127.0.0.1:{port}"]
    started = time.perf_counter()
    deadline = time.monotonic() + timeout
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env, "cwd": ROOT}
    chief = subprocess.Popen([*base, "--distributed", "chief", "--run-id", "chief"], **quiet)
    events_path = home / "runs" / "chief" / "events.jsonl"
    children = [chief]
    try:
        wait_for_event(events_path, "serving the search", chief, deadline)
        for number in range(1, workers + 1):
            children.append(subprocess.Popen([*base, "--distributed", "worker", "--worker-id", str(number),
                                              "--run-id", f"worker-{number}"], **quiet))
        chief.wait(max(1.0, deadline - time.monotonic()))
        wall = time.perf_counter() - started
        for child in children[1:]:
            child.wait(60)
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
    result = json.loads((home / "runs" / "chief" / "result.json").read_text())
    if result["status"] != "finished":
        raise SystemExit(f"the search with {workers} worker(s) {result['status']}: {result.get('error')}")
    events = read_events(events_path)[0]
    first = min(e["time"] for e in events if e["type"] == "trial_started")
    last = max(e["time"] for e in events if e["type"] == "trial_end")
    per_worker = {w["worker"]: len(w["trials"]) for w in result["distributed"]["workers"]}
    return {"workers": workers, "wall_seconds": wall, "search_seconds": last - first,
            "trials": len(result["trials"]), "trials_per_worker": per_worker,
            "best": result["summary"].get("search_best_val_accuracy")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="wide")
    parser.add_argument("--max-epochs", default="3")
    parser.add_argument("--subset", default="1000")
    parser.add_argument("--seed", default="7")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--repeat", type=int, default=3, help="pairs of searches (1 then 2 workers) to run")
    parser.add_argument("--threads", type=int, default=0,
                        help="TensorFlow threads per process (0: its default, one per core)")
    args = parser.parse_args()
    search_args = ["--preset", args.preset, "--max-epochs", args.max_epochs, "--subset", args.subset,
                   "--seed", args.seed, "--epochs", "3", "--patience", "2"]
    threads = args.threads or "default"
    print(f"search: tune {' '.join(search_args)}; {os.cpu_count()} CPU cores; TF threads per process: {threads}")
    # 1 and 2 workers alternate, so background load on the machine falls on both alike
    runs: dict[int, list[dict]] = {1: [], 2: []}
    for _ in range(args.repeat):
        for workers in (1, 2):
            run = one_search(workers, search_args, args.timeout, args.threads)
            runs[workers].append(run)
            print(f"{workers} worker(s): whole {run['wall_seconds']:6.1f} s, search {run['search_seconds']:6.1f} s, "
                  f"{run['trials']} trials {run['trials_per_worker']}, best val accuracy {run['best']:.4f}",
                  flush=True)
    median = {n: {k: statistics.median(r[k] for r in runs[n]) for k in ("wall_seconds", "search_seconds")}
              for n in runs}
    ratios = [a["search_seconds"] / b["search_seconds"] for a, b in zip(runs[1], runs[2])]
    print(f"medians over {args.repeat}: 1 worker search {median[1]['search_seconds']:.1f} s, whole "
          f"{median[1]['wall_seconds']:.1f} s; 2 workers search {median[2]['search_seconds']:.1f} s, whole "
          f"{median[2]['wall_seconds']:.1f} s")
    print(f"speed-up with 2 workers (ratio of medians): search "
          f"{median[1]['search_seconds'] / median[2]['search_seconds']:.2f}x, whole "
          f"{median[1]['wall_seconds'] / median[2]['wall_seconds']:.2f}x; "
          f"pairwise search ratios {', '.join(f'{r:.2f}' for r in ratios)}")


if __name__ == "__main__":
    main()
