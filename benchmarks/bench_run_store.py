"""Listing speed of the run store at 50, 500 and 5,000 runs, each against the empty store, in one run.

Stores are built by copying real run folders made by the engine (hard links, so 5,000 copies cost
no disk) under new ids. For each size it times `ch11-tutor runs --json` with the index cold (deleted
before every call) and warm, and the app's Runs screen to its first rows under the pilot.

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


async def screen_first_rows(home: Path) -> float:
    """Seconds from opening the Runs screen to its table holding every row (index warm)."""
    os.environ["CH11_TUTOR_HOME"] = str(home)
    from textual.widgets import DataTable

    from tui.app import TutorApp

    expected = len([p for p in (home / "runs").iterdir() if p.is_dir()]) if (home / "runs").exists() else 0
    app = TutorApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        start = time.perf_counter()
        await pilot.press("r")
        while True:
            await pilot.pause(0.01)
            tables = app.screen.query("#runs-table")
            if tables and tables.first(DataTable).row_count >= expected:
                break
            if time.perf_counter() - start > 120:
                raise RuntimeError("the Runs screen never showed its rows")
        return time.perf_counter() - start


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
        print(f"source runs: {', '.join(p.name for p in sources)}; load {os.getloadavg()[0]:.1f}")
        empty = work / "empty"
        empty.mkdir()
        base_cold = time_listing(empty, True, args.repeats)
        base_warm = time_listing(empty, False, args.repeats)
        base_screen = asyncio.run(screen_first_rows(empty))
        print("| runs | runs --json cold | ratio | warm | ratio | Runs screen | ratio |")
        print("|---|---|---|---|---|---|---|")
        print(f"| 0 | {base_cold:.3f} s | 1 | {base_warm:.3f} s | 1 | {base_screen:.3f} s | 1 |")
        for count in args.sizes:
            home = work / f"store-{count}"
            build_store(home, sources, count)
            cold = time_listing(home, True, args.repeats)
            time_listing(home, False, 1)  # fill the index
            warm = time_listing(home, False, args.repeats)
            screen = asyncio.run(screen_first_rows(home))
            print(f"| {count} | {cold:.3f} s | {cold / base_cold:.1f}× | {warm:.3f} s | {warm / base_warm:.2f}× | "
                  f"{screen:.3f} s | {screen / base_screen:.1f}× |", flush=True)
        print(f"load after: {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
