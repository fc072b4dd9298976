"""`ch11-tutor runs` chooses columns by width and names each run by a short id that `show` accepts."""
from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios

from engine.registry import resolve_spec
from engine.run_table import CORE_COLUMNS, WIDE_COLUMNS, columns_for, short_ids
from engine.runs import RunStore

CLI = [sys.executable, "-m", "engine"]


def test_a_short_id_is_the_random_tail_unless_that_is_shared():
    ids = ["20261129-120000-base-plain-a3fb", "20261130-090000-base-batchnorm-a3fb", "20261129-121900-base-plain-0c1d"]
    assert short_ids(ids) == {ids[0]: "plain-a3fb", ids[1]: "batchnorm-a3fb", ids[2]: "0c1d"}


def test_a_tail_that_is_also_another_runs_prefix_is_not_short_enough():
    # `show` takes a unique prefix or suffix: a random tail "2026" would also be every run's prefix
    ids = ["20261129-120000-base-plain-2026", "20261129-121900-base-plain-0c1d"]
    assert short_ids(ids)[ids[0]] == "plain-2026"


def test_an_id_that_is_the_tail_of_another_stays_whole():
    assert short_ids(["my-run", "old-my-run"]) == {"my-run": "my-run", "old-my-run": "old-my-run"}


def test_the_columns_grow_from_about_100_columns_and_a_pipe_gets_them_all():
    assert columns_for(80) == columns_for(99) == CORE_COLUMNS
    assert columns_for(100) == columns_for(None) == CORE_COLUMNS + WIDE_COLUMNS


def _runs_at(width: int, home) -> str:
    """What `ch11-tutor runs` prints on a terminal `width` columns wide (a real pseudo-terminal)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, width, 0, 0))
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
    child = subprocess.Popen([*CLI, "--home", str(home), "runs"], stdin=follower, stdout=follower,
                             stderr=subprocess.PIPE, env={**env, "TERM": "xterm", "NO_COLOR": "1"})
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the command has ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert child.wait(timeout=60) == 0, child.stderr.read() if child.stderr else ""
    return re.sub(r"\x1b\[[0-9;]*m", "", b"".join(chunks).decode()).replace("\r", "")  # the text, not its styles


def _store_with_look_alike_runs(home) -> tuple[RunStore, list[str]]:
    """Runs from one day whose random tails collide, the case where a cut id cannot be told apart."""
    store = RunStore(home)
    ids = ["20261129-120000-base-plain-a3fb", "20261129-120500-base-batchnorm-a3fb",
           "20261129-121000-base-plain-77e0", "20261129-121500-demo-activations-default-5d3c"]
    for run_id in ids:
        experiment, preset = ("demo-activations", "default") if "demo" in run_id else ("base", run_id.split("-")[3])
        store.create(resolve_spec(experiment, preset, quick=True), run_id=run_id)
    return store, ids


def test_runs_at_80_columns_shows_an_id_per_run_that_show_accepts(tutor_home):
    store, ids = _store_with_look_alike_runs(tutor_home)
    screen = _runs_at(80, tutor_home)
    lines = screen.splitlines()
    assert max(len(line) for line in lines) <= 80
    shown = [line.split()[0] for line in lines if line.strip() and line.split()[-2:] != ["best", "val"]
             and any(line.split()[1:2] == [experiment] for experiment in ("base", "demo-activations"))]
    assert len(shown) == len(ids) and len(set(shown)) == len(ids)
    assert all(len(short) < 20 for short in shown)  # short enough to read and type, not the whole id
    for short, run_id in zip(shown, ids):
        done = subprocess.run([*CLI, "--home", str(tutor_home), "show", short, "--json"], capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert f'"run_id": "{run_id}"' in done.stdout
    assert "epochs" not in screen  # the wide columns wait for a wider terminal
    assert "epochs" in _runs_at(120, tutor_home)


def test_runs_piped_prints_every_column_and_whole_ids(tutor_home):
    _, ids = _store_with_look_alike_runs(tutor_home)
    done = subprocess.run([*CLI, "--home", str(tutor_home), "runs"], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "COLUMNS": "80"})
    header, *rows = done.stdout.splitlines()
    assert header.split() == ["run", "experiment", "preset", "status", "best", "val", "test", "acc", "epochs",
                              "time", "s/epoch", "size"]
    assert [row.split()[0] for row in rows] == ids


def _short_by_definition(ids: list[str]) -> dict[str, str]:
    """The shortest tail of whole parts that no other id starts or ends with (every pair compared)."""
    shown = {}
    for run_id in ids:
        parts = run_id.split("-")
        tails = [tail for count in range(1, len(parts) + 1) if (tail := "-".join(parts[-count:]))]
        shown[run_id] = next((tail for tail in tails
                              if not any(o != run_id and (o.startswith(tail) or o.endswith(tail)) for o in ids)), run_id)
    return shown


def test_short_ids_agree_with_their_definition_on_ids_that_overlap_in_every_way():
    pieces = ["a", "b", "ab", "ba", "2026", "a-b", "x-", "-x"]
    ids = sorted({"".join(pieces[(seed * 7 + k * 3) % len(pieces)] for k in range(1 + seed % 4)) for seed in range(60)})
    ids += ["20261129-121851-base-plain-a3fb", "20261129-121851-base-plain-a3fb-copy1", "plain-a3fb", "a3fb",
            "0c1d-base-0c1d"]  # an id that starts with its own tail: the tail still names it alone
    assert short_ids(ids) == _short_by_definition(ids) and short_ids(ids)["0c1d-base-0c1d"] == "0c1d"
    copies = [f"20261129-121851-base-plain-a3fb-copy{i:03d}" for i in range(300)]
    assert short_ids(copies) == _short_by_definition(copies) == {c: c.rsplit("-", 1)[1] for c in copies}
