"""Listing speed of the run store at 50, 500 and 5,000 runs, each against the empty store, in one run.

Stores are built by copying real run folders made by the engine (hard links, so 5,000 copies cost
no disk) under new ids. For each size it times `ch11-tutor runs --json` with the index cold (deleted
before every call) and warm, and the app's Runs screen under the pilot: to its first screenful of rows
painted and to every row in the table. Each line gives the load average (1, 5, 15 minutes) after it.

    .venv/bin/python benchmarks/bench_run_store.py                 # makes its own source runs (quick)
    .venv/bin/python benchmarks/bench_run_store.py --source HOME   # copies the runs already in HOME
"""
from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.run_index import INDEX_FILE  # noqa: E402

SIZES = (50, 500, 5000)


def make_sources(home: Path) -> list[Path]:
    """Real quick runs: a tune search and a transfer suite, the two biggest kinds of folder."""
    for argv in (["run", "tune", "--quick"], ["run", "transfer", "--preset", "suite", "--quick"]):
        subprocess.run([sys.executable, "-m", "engine", "--home", str(home), *argv], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    return sorted(p for p in (home / "runs").iterdir() if p.is_dir())


def link_copy(source: Path, target: Path) -> None:
    """A copy of a run folder whose files are hard links to the source's."""
    shutil.copytree(source, target, copy_function=os.link)


def build_store(home: Path, sources: list[Path], count: int) -> None:
    runs = home / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        source = sources[i % len(sources)]
        link_copy(source, runs / f"{source.name}-copy{i:05d}")


def time_listing(home: Path, cold: bool, repeats: int) -> float:
    """Median wall seconds of `runs --json` in a fresh process."""
    times = []
    for _ in range(repeats):
        if cold:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{home / INDEX_FILE}{suffix}").unlink(missing_ok=True)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "engine", "--home", str(home), "runs", "--json"], check=True,
                       stdout=subprocess.DEVNULL, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


async def screen_rows(home: Path) -> tuple[float, float]:
    """Seconds from the key press that opens the Runs screen to its first screenful of rows painted, and to all.

    The screen posts RowsShown after each repaint of its table (the first screenful, then each batch);
    the times are those of the messages, so the polling here adds nothing to them. No warm spare is
    started, and the app's own start-up listing has ended before the key press.
    """
    import tui.app
    from tui.app import TutorApp
    from tui.screens.runs import RowsShown

    class TimedApp(TutorApp):
        CSS_PATH = str(Path(tui.app.__file__).parent / TutorApp.CSS_PATH)  # relative to the app's module

        def __init__(self) -> None:
            super().__init__(home=home, spares=False)
            self.shown: list[tuple[float, int, int]] = []

        def on_rows_shown(self, message: RowsShown) -> None:
            self.shown.append((message.time, message.shown, message.total))  # message.time: time.monotonic()

    app = TimedApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        start = time.monotonic()
        await pilot.press("r")
        while not (app.shown and app.shown[-1][1] == app.shown[-1][2]):
            await asyncio.sleep(0.01)
            if time.monotonic() - start > 300:
                raise RuntimeError("the Runs screen never showed all its rows")
    return app.shown[0][0] - start, app.shown[-1][0] - start


def load() -> str:
    """The load average as `uptime` gives it (1, 5 and 15 minutes)."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", type=Path, help="a tutor home whose runs are copied")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="store sizes to time")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-run-store-"))
    try:
        source_home = args.source or work / "source"
        sources = sorted(p for p in (source_home / "runs").iterdir() if p.is_dir()) if args.source \
            else make_sources(source_home)
        print(f"source runs: {', '.join(p.name for p in sources)}; load {load()}")
        empty = work / "empty"
        empty.mkdir()
        base_cold = time_listing(empty, True, args.repeats)
        base_warm = time_listing(empty, False, args.repeats)
        base_first, base_all = asyncio.run(screen_rows(empty))
        print("| runs | runs --json cold | ratio | warm | ratio | Runs screen first rows | over empty | all rows | load |")
        print("|---|---|---|---|---|---|---|---|---|")
        print(f"| 0 | {base_cold:.3f} s | 1 | {base_warm:.3f} s | 1 | {base_first:.3f} s | 0 | {base_all:.3f} s | "
              f"{load()} |", flush=True)
        for count in args.sizes:
            home = work / f"store-{count}"
            build_store(home, sources, count)
            cold = time_listing(home, True, args.repeats)
            time_listing(home, False, 1)  # fill the index
            warm = time_listing(home, False, args.repeats)
            first, every = asyncio.run(screen_rows(home))
            print(f"| {count} | {cold:.3f} s | {cold / base_cold:.1f}× | {warm:.3f} s | {warm / base_warm:.2f}× | "
                  f"{first:.3f} s | {first - base_first:+.3f} s | {every:.3f} s | {load()} |", flush=True)
            shutil.rmtree(home, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
