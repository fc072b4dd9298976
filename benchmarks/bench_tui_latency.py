"""Key-press-to-repaint latency of the run view, idle vs. while a run trains in a child process.

The app runs in a real pseudo-terminal (its real driver, real escape sequences) and shows the run
view of a run it launched itself. Each probe sends one key that writes a fresh counter
("PING 0007") on screen; the latency is the time from writing the key to reading that text back
from the terminal. The conditions, in one run and in alternating blocks so that other load on a
shared machine falls on all alike: the training child stopped (SIGSTOP: nothing trains), running
as the app launches it (its session niced), and running at normal priority (the nice undone), all
with events arriving and curves redrawing. The report is p50/p95 of each and the ratios to idle.

    .venv/bin/python benchmarks/bench_tui_latency.py [--probes 180] [--blocks 12] [--json]
"""
from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import random
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZE = (120, 36)
CONDITIONS = ("idle", "training", "training at normal priority")
NICED = 10  # engine.priority.RUN_NICENESS, what the run manager gives its runs
TRAINING = ["--set", "epochs=500", "--set", "patience=200", "--set", "subset=0"]  # trains for minutes


def serve(home: str) -> None:
    """The app under test: a run view plus a ping line that key x rewrites (runs inside the pty)."""
    from textual.app import App
    from textual.binding import Binding
    from textual.widgets import Static

    from engine.registry import resolve_spec
    from tui.run_manager import RunManager
    from tui.screens.run_view import RunViewScreen

    class LatencyApp(App):
        BINDINGS = [Binding("x", "ping", "Ping", priority=True)]

        def __init__(self) -> None:
            super().__init__()
            self.run_manager = RunManager(self, home)
            self.pings = 0

        def on_mount(self) -> None:
            spec = resolve_spec("base", "plain", dict(pair.split("=") for pair in TRAINING[1::2]))
            run_id = self.run_manager.launch(spec)
            self.push_screen(RunViewScreen(run_id))
            self.call_after_refresh(lambda: self.screen.mount(Static("PING ----", id="ping"), before=0))

        def action_ping(self) -> None:
            self.pings += 1
            self.screen.query_one("#ping", Static).update(f"PING {self.pings:04d}")

    LatencyApp().run()


class Terminal:
    """A child process on a pseudo-terminal of a fixed size, read without blocking."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
        self.process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                        start_new_session=True, close_fds=True)
        os.close(slave)
        self.fd = master
        self.buffer = b""

    def read(self, timeout: float) -> bytes:
        """Whatever arrives within the timeout (appended to the buffer)."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return b""
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            return b""
        self.buffer += chunk
        return chunk

    def wait_for(self, text: bytes, limit: float) -> float | None:
        """Seconds until `text` appears in the output, or None past the limit."""
        start = time.perf_counter()
        while time.perf_counter() - start < limit:
            if text in self.buffer:
                return time.perf_counter() - start
            self.read(0.05)
        return None

    def drain(self, quiet: float) -> None:
        """Read until the output has been quiet for a while."""
        while self.read(quiet):
            pass

    def close(self) -> None:
        try:
            os.write(self.fd, b"\x11")  # ctrl+q
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.terminate()
            self.process.wait(timeout=10)
        os.close(self.fd)


def probe(term: Terminal, count: int, done: int) -> list[float]:
    """Send count pings at irregular intervals; return each key-to-repaint latency in ms."""
    latencies = []
    for index in range(done + 1, done + count + 1):
        term.buffer = b""
        start = time.perf_counter()
        os.write(term.fd, b"x")
        marker = f"PING {index:04d}".encode()
        while marker not in term.buffer:
            if time.perf_counter() - start > 10:
                raise RuntimeError(f"no repaint for ping {index} within 10 s")
            term.read(0.5)
        latencies.append((time.perf_counter() - start) * 1000)
        time.sleep(random.uniform(0.05, 0.15))  # pacing between probes, not a wait for a result
    return latencies


def measure(home: Path, probes: int, blocks: int) -> dict[str, dict[str, float]]:
    """Alternate blocks of probes with the training child paused (idle) and running (training)."""
    env = {**os.environ, "TERM": "xterm-256color", "CH11_TUTOR_HOME": str(home), "COLUMNS": str(SIZE[0]),
           "LINES": str(SIZE[1]), "TEXTUAL_ANIMATIONS": "none"}
    term = Terminal([sys.executable, __file__, "--serve", "--home", str(home)], env)
    samples: dict[str, list[float]] = {name: [] for name in CONDITIONS}
    trainer: int | None = None
    try:
        if term.wait_for(b"PING ----", 60) is None:
            raise RuntimeError("the app did not paint its first screen; output:\n"
                               + term.buffer.decode(errors="replace")[-2000:])
        if _wait_for_training(home, 300, term) is None:
            raise RuntimeError("the run did not reach its first epoch within 300 s")
        trainer = _trainer_pid(home)
        for block in range(blocks):
            condition = CONDITIONS[block % len(CONDITIONS)]
            # A stopped child uses no CPU at all: the same app, screen and machine load, minus training.
            os.kill(trainer, signal.SIGSTOP if condition == "idle" else signal.SIGCONT)
            _set_autogroup_nice(trainer, 0 if condition == "training at normal priority" else NICED)
            term.drain(0.5)
            done = sum(len(values) for values in samples.values())
            samples[condition] += probe(term, probes // blocks, done)
        os.kill(trainer, signal.SIGCONT)
        still_training = _training(home)
    finally:
        if trainer is not None:
            os.kill(trainer, signal.SIGCONT)
        term.close()
        _stop_runs(home)
    return {name: {"p50_ms": statistics.median(values), "p95_ms": _percentile(values, 95),
                   "mean_ms": statistics.fmean(values), "probes": len(values),
                   **({"training_throughout": still_training} if name != "idle" else {})}
            for name, values in samples.items()}


def _set_autogroup_nice(pid: int, nice: int) -> None:
    """What the app's run manager does at launch, undone for the comparison condition."""
    try:
        with open(f"/proc/{pid}/autogroup", "w") as autogroup:
            autogroup.write(str(nice))
    except OSError:
        pass


def _trainer_pid(home: Path) -> int:
    [process] = [json.loads(p.read_text()) for p in (home / "runs").glob("*/process.json")]
    return int(process["pid"])


def _wait_for_training(home: Path, limit: float, term: Terminal) -> float | None:
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        if _training(home):
            return time.perf_counter() - start
        term.read(0.2)  # keep the pty drained so the app never blocks on writing
    return None


def _training(home: Path) -> bool:
    """Whether some run under home has finished an epoch and not ended."""
    for events in (home / "runs").glob("*/events.jsonl"):
        text = events.read_text()
        if '"epoch_end"' in text and not any(t in text for t in ("run_finished", "run_failed", "run_cancelled")):
            return True
    return False


def _stop_runs(home: Path) -> None:
    from engine.runs import RunStore

    store = RunStore(home)
    for summary in store.list():
        if summary.status == "running":
            store.request_stop(summary.path)
    deadline = time.time() + 60
    while time.time() < deadline and any(s.status == "running" for s in store.list()):
        time.sleep(0.5)


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[rank]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probes", type=int, default=180, help="key presses in all")
    parser.add_argument("--blocks", type=int, default=12, help="blocks, cycling through the conditions")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--home", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.home)
        return
    home = Path(tempfile.mkdtemp(prefix="ch11-latency-"))
    try:
        measured = measure(home, args.probes, args.blocks)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    idle = measured["idle"]
    result = {**measured, "cpus": os.cpu_count(), "terminal": f"{SIZE[0]}x{SIZE[1]}",
              "ratios": {name: {"p50": measured[name]["p50_ms"] / idle["p50_ms"],
                                "p95": measured[name]["p95_ms"] / idle["p95_ms"]} for name in CONDITIONS[1:]}}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for name in CONDITIONS:
        row = measured[name]
        ratio = result["ratios"].get(name)
        versus = f"  ×idle: p50 {ratio['p50']:.2f} p95 {ratio['p95']:.2f}" if ratio else ""
        print(f"{name:28s} p50 {row['p50_ms']:6.1f} ms  p95 {row['p95_ms']:6.1f} ms  "
              f"mean {row['mean_ms']:6.1f} ms  ({row['probes']} keys){versus}")
    print(f"run kept training throughout: {measured['training']['training_throughout']}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
