"""Time from process start to the app's first painted screen, against `import tensorflow`, in one run.

The app runs as a user runs it: `python -m tui.launch` in a pseudo-terminal of 80×24, with a fresh
tutor home. The clock stops when the terminal has received the first question's title (the
Questions screen is painted), then Ctrl+Q quits it. The same run times a bare
`python -c "import tensorflow"`, so the result is a ratio that holds across machines; the target is
that the app paints within 0.5 s, while TensorFlow alone takes several seconds to import.

    .venv/bin/python benchmarks/bench_startup.py [--runs 5] [--tf-runs 3]
"""
from __future__ import annotations

import argparse
import fcntl
import os
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

MARKER = "Identical initial weights"  # the first question's title: on screen once it is painted
# Only the Markdown view (which replaces the first plain text) writes this line: the screen is complete.
COMPLETE_MARKER = "concept question"
ANSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
TIMEOUT = 60.0
# The smallest Textual app that paints the same words: the floor that Textual itself sets here.
HELLO = """
from textual.app import App
from textual.widgets import Static

class Hello(App):
    BINDINGS = [("ctrl+q", "quit", "Quit")]

    def compose(self):
        yield Static(%r)

Hello().run()
""" % MARKER


def time_first_paint(columns: int = 80, rows: int = 24, command: list[str] | None = None,
                     markers: tuple[str, ...] = (MARKER,)) -> tuple[list[float], float]:
    """Seconds from process start until each marker reached the terminal, and the CPU seconds used
    by then (CPU time hardly depends on what else the machine is doing; wall time does)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "CH11_TUTOR_HOME": home, "TERM": "xterm-256color", "COLUMNS": str(columns),
               "LINES": str(rows)}
        start = time.perf_counter()
        child = subprocess.Popen(command or [sys.executable, "-m", "tui.launch"], stdin=slave, stdout=slave,
                                 stderr=slave, env=env, start_new_session=True, close_fds=True)
        os.close(slave)
        try:
            painted = [_read_until(master, markers[0].encode(), start)]
            cpu = cpu_seconds(child.pid)
            painted += [_read_until(master, marker.encode(), start) for marker in markers[1:]]
            os.write(master, b"\x11")  # Ctrl+Q: quit as a user would
            _drain_until_exit(master, child)
        finally:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
            os.close(master)
            _SEEN.pop(master, None)
    return [moment - start for moment in painted], cpu


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds a process has used so far (from /proc)."""
    with open(f"/proc/{pid}/stat", "rb") as handle:
        fields = handle.read().rsplit(b")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _read_until(master: int, marker: bytes, start: float, seen: bytearray | None = None) -> float:
    """Read the terminal until `marker` has appeared (anywhere in the output since the start)."""
    seen = _SEEN.setdefault(master, bytearray()) if seen is None else seen
    if marker in ANSI.sub(b"", bytes(seen)):
        return time.perf_counter()
    while time.perf_counter() - start < TIMEOUT:
        ready, _, _ = select.select([master], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        seen += chunk
        if marker in ANSI.sub(b"", bytes(seen)):
            return time.perf_counter()
    raise RuntimeError(f"the app did not paint {marker!r} within {TIMEOUT:.0f} s; output: {bytes(seen[-500:])!r}")


_SEEN: dict[int, bytearray] = {}  # terminal output so far, per pseudo-terminal


def _drain_until_exit(master: int, child: subprocess.Popen) -> None:
    deadline = time.perf_counter() + 15
    while child.poll() is None and time.perf_counter() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                os.read(master, 65536)
            except OSError:
                break
    child.wait(timeout=max(0.1, deadline - time.perf_counter()))


def time_tensorflow_import() -> float:
    """Seconds for a fresh interpreter to import TensorFlow (and exit)."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import tensorflow"], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="app starts to time")
    parser.add_argument("--tf-runs", type=int, default=3, help="TensorFlow imports to time")
    args = parser.parse_args()

    hello_command = [sys.executable, "-c", HELLO]
    time_first_paint()  # one untimed start of each warms the file cache, as any second start would be
    time_first_paint(command=hello_command)
    paints, completes, hellos, cpus, hello_cpus = [], [], [], [], []
    for _ in range(args.runs):  # interleaved, so that load from other work hits both alike
        (first, complete), cpu = time_first_paint(markers=(MARKER, COMPLETE_MARKER))
        paints.append(first)
        completes.append(complete)
        cpus.append(cpu)
        (hello_paint,), hello_cpu = time_first_paint(command=hello_command)
        hellos.append(hello_paint)
        hello_cpus.append(hello_cpu)
    imports = [time_tensorflow_import() for _ in range(args.tf_runs)]
    paint, hello, tf = statistics.median(paints), statistics.median(hellos), statistics.median(imports)
    for name, times in (("ch11-tutor first paint", paints), ("  … with Markdown view", completes),
                        ("  … CPU seconds used", cpus), ("bare Textual app paint", hellos),
                        ("  … CPU seconds used", hello_cpus), ("import tensorflow", imports)):
        print(f"{name:24s} n={len(times)}  median {statistics.median(times):.3f} s  "
              f"min {min(times):.3f} s  max {max(times):.3f} s")
    print(f"ratio first paint / import tensorflow: {paint / tf:.3f}")
    print(f"ratio first paint / bare Textual app:  {paint / hello:.2f} "
          f"(CPU seconds: {statistics.median(cpus) / statistics.median(hello_cpus):.2f})")
    print(f"target first paint <= 0.5 s: {'met' if paint <= 0.5 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
