"""The headless command line: `ch11-tutor run|runs|show|stop|rm|prune|experiments`. Never imports TF to list or show."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from engine import data as mnist_data
from engine.cli_display import runs_table, runs_text
from engine.distributed.config import check_network, from_flags
from engine.errors import TutorError
from engine.preflight import check_before_run
from engine.registry import experiments, get_experiment, resolve_spec
from engine.run_id import check_run_id
from engine.run_index import human_size
from engine.run_table import WIDE_FROM, columns_for
from engine.runs import LOG, STATUSES, RunStore
from engine.text_format import percent

EPILOG = """examples:
  ch11-tutor run base --preset batchnorm
  ch11-tutor run base --learning-rate 0.0005 --epochs 30
  ch11-tutor run base --quick --json
  ch11-tutor run base --strategy mirrored
  ch11-tutor run tune --distributed chief --oracle 0.0.0.0:8470
  ch11-tutor run tune --distributed worker --oracle chief-host:8470 --worker-id 1
  ch11-tutor runs
  ch11-tutor show 20261129-1200
  ch11-tutor cache clear"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (experiment parameters are parsed separately, from the registry)."""
    parser = argparse.ArgumentParser(prog="ch11-tutor", epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     description="Learn 'Training Deep Neural Networks' with live experiments. "
                                                 "With no command, opens the app.")
    parser.add_argument("--home", help="folder for runs and progress (default: $CH11_TUTOR_HOME or the "
                                       "user data folder)")
    parser.add_argument("--version", action="version", version=f"ch11-tutor {version()}")
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="train an experiment headless",
                         description="Train an experiment. Parameters: --NAME VALUE or --set NAME=VALUE "
                                     "(see `ch11-tutor experiments ID`).")
    run.add_argument("experiment")
    run.add_argument("--preset")
    run.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="set a parameter")
    run.add_argument("--quick", action="store_true", help="tiny data and few epochs (seconds)")
    run.add_argument("--json", action="store_true", help="stream the events as JSON lines")
    run.add_argument("--data", help=f"MNIST .npz file (default: ${mnist_data.DATA_ENV}, the Keras cache, "
                                    "then the bundled copy)")
    run.add_argument("--run-id", help=argparse.SUPPRESS)  # the TUI names the folder it will follow
    run.add_argument("--distributed", metavar="chief|worker",
                     help="tune only: serve a search to workers (chief) or train its trials (worker)")
    run.add_argument("--oracle", metavar="HOST:PORT", help="the chief's address (with --distributed)")
    run.add_argument("--worker-id", metavar="N", help="this worker's own number (with --distributed worker)")
    run.add_argument("--token", help="the search's token (default: $CH11_TUTOR_SEARCH_TOKEN; a chief makes one "
                                     "and prints the worker command with it)")
    run.add_argument("--tls-cert", metavar="FILE", help="serve (chief) or trust (worker) this PEM certificate")
    run.add_argument("--tls-key", metavar="FILE", help="the chief's PEM private key, with --tls-cert")
    sub.add_parser("runs", help="list runs as a table").add_argument("--json", action="store_true")
    show = sub.add_parser("show", help="one run's summary and history")
    show.add_argument("run_id")
    show.add_argument("--json", action="store_true")
    stop = sub.add_parser("stop", help="ask a running run to stop at its next step boundary (epoch or batch)")
    stop.add_argument("run_id")
    cache = sub.add_parser("cache", help="the compile cache: its size, or `cache clear` to empty it")
    cache.add_argument("action", nargs="?", choices=("show", "clear"), default="show")
    remove = sub.add_parser("rm", help="delete runs (not running ones) and free their space")
    remove.add_argument("run_ids", nargs="+", metavar="RUN")
    prune = sub.add_parser("prune", help="delete runs by age, status or rank; a dry run until --yes",
                           description="List the runs that match every filter given, and the space they use; "
                                       "delete them only with --yes. Running runs are never pruned.")
    prune.add_argument("--older-than", metavar="AGE", help="started more than AGE ago: 30d, 12h, 2w, 45m")
    prune.add_argument("--status", metavar="S,S", help="only these statuses, e.g. failed,cancelled,died")
    prune.add_argument("--keep-best", metavar="N", type=int, help="keep each experiment's N best finished runs")
    prune.add_argument("--yes", action="store_true", help="really delete them")
    exps = sub.add_parser("experiments", help="list experiments, or one experiment's parameters")
    exps.add_argument("experiment", nargs="?")
    return parser


def version() -> str:
    """The installed package's version."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("ch11-tutor")
    except PackageNotFoundError:
        return "unknown (not installed)"


def parse_param_flags(tokens: list[str], assignments: list[str]) -> dict[str, str]:
    """`--name value`, `--name=value` and `--set name=value` into {name: text}."""
    values: dict[str, str] = {}
    for item in assignments:
        if "=" not in item:
            raise TutorError(f"--set expects NAME=VALUE (got '{item}').")
        name, value = item.split("=", 1)
        values[name.strip()] = value
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not token.startswith("--") or token == "--":
            raise TutorError(f"Unexpected argument '{token}'; parameters look like --name value.")
        if "=" in token:
            name, value = token[2:].split("=", 1)
            i += 1
        elif i + 1 < len(tokens):
            name, value = token[2:], tokens[i + 1]
            i += 2
        else:
            raise TutorError(f"Parameter {token} needs a value.")
        values[name] = value
    return values


def main(argv: list[str] | None = None, start: str = "cold") -> int:
    """Entry point for the headless commands; returns the process exit code.

    `start` is "warm" only when a spare that already loaded TensorFlow runs this command.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    try:
        if args.command != "run" and extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        if args.command is None:
            parser.print_help()
            return 0
        if args.command == "run":
            return cmd_run(args, extra, start)
        return COMMANDS[args.command](args, extra)
    except TutorError as error:
        print(f"ch11-tutor: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ch11-tutor: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def cmd_run(args: argparse.Namespace, extra: list[str], start: str = "cold") -> int:
    """Validate everything, then train in this process, showing progress as events arrive."""
    from engine.cli_display import JsonDisplay, PlainDisplay, RichDisplay
    from engine.execute import EXIT_CODES, execute

    if args.run_id is not None:
        check_run_id(args.run_id)  # the folder this run will write: directly inside the store, nowhere else
    spec = resolve_spec(args.experiment, args.preset, parse_param_flags(extra, args.set), args.quick, args.data)
    check_before_run(spec, args.home)  # a bad data file or source run is refused before any folder is made
    distributed = from_flags(spec.experiment, args.distributed, args.oracle, args.worker_id,
                             str(spec.params.get("resume", "")), args.token, args.tls_cert, args.tls_key)
    if distributed:
        check_network(distributed)  # a port in use or an absent chief, before TensorFlow loads
        os.environ.update(distributed.env())  # keras-tuner's own chief/worker switches
    if args.json:
        display: Any = JsonDisplay()
    elif sys.stdout.isatty():
        display = RichDisplay()
    else:
        display = PlainDisplay()
    status, path = execute(spec, args.home, args.run_id, [display], argv=["ch11-tutor", *sys.argv[1:]],
                           on_created=_send_stderr_to_log, start=start)
    return EXIT_CODES[status]


def _send_stderr_to_log(run_dir: Path) -> None:
    """TensorFlow's C++ logs go to fd 2: send them to the run's output.log, not the terminal."""
    log = os.open(run_dir / LOG, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    sys.stderr.flush()
    os.dup2(log, 2)
    os.close(log)


def cmd_runs(args: argparse.Namespace, extra: list[str]) -> int:
    """Print the runs table."""
    rows = RunStore(args.home).list(notice=_notice)
    if args.json:
        print(json.dumps([_row_json(r) for r in rows], indent=2))
        return 0
    if not rows:
        print("No runs yet; start one with `ch11-tutor run base --quick`.")
        return 0
    if not sys.stdout.isatty():  # a pipe or a file: every column in full, nothing cut to a width
        sys.stdout.write(runs_text(rows))
        return 0
    from rich.console import Console

    console = Console()
    store = RunStore(args.home)
    console.print(runs_table(rows, console.width, title=f"Runs in {store.root}"))
    console.print(f"{len(rows)} run{'s' if len(rows) != 1 else ''}, {human_size(store.total_size(rows))} on disk",
                  highlight=False)
    if len(columns_for(console.width)) < len(columns_for(None)):
        console.print(f"More columns from {WIDE_FROM} columns on, or `ch11-tutor runs | cat`.", style="dim",
                      highlight=False)
    return 0


def cmd_show(args: argparse.Namespace, extra: list[str]) -> int:
    """Print one run's summary and per-epoch history."""
    store = RunStore(args.home)
    path = store.path_of(args.run_id)
    row = store.summary(path)
    history = store.history(path)
    if args.json:
        print(json.dumps({**_row_json(row), "result": store.result(path), "history": history}, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"[bold]{row.run_id}[/]  {row.experiment} ({row.preset})  status: {row.status}")
    if row.problem:
        console.print(f"problem: {row.problem}")
    console.print("params: " + ", ".join(f"{k}={v}" for k, v in row.params.items()))
    console.print(f"test accuracy {percent(row.test_accuracy)}, best validation accuracy "
                  f"{percent(row.best_val_accuracy)}, {row.epochs or 0} epochs, {row.seconds or 0:.1f}s")
    for series, curve in history.items():
        table = Table(title=f"history {series}".strip())
        columns = ["epoch"] + [c for c in curve if c != "epoch"]
        for column in columns:
            table.add_column(column, justify="right")
        for i in range(len(curve["epoch"])):
            table.add_row(*[_num(curve[c][i]) for c in columns])
        console.print(table)
    return 0


def cmd_stop(args: argparse.Namespace, extra: list[str]) -> int:
    """Ask a run to stop; it keeps its best checkpoint and is marked cancelled."""
    store = RunStore(args.home)
    path = store.path_of(args.run_id)
    status, _ = store.status(path)
    if status != "running" or not store.request_stop(path):
        print(f"Run {path.name} has already ended ({status}); there is nothing to stop.")
        return 0
    print(f"Asked run {path.name} to stop at its next step boundary.")
    return 0


def cmd_experiments(args: argparse.Namespace, extra: list[str]) -> int:
    """List the registry, or one experiment's parameters and presets."""
    if args.experiment:
        exp = get_experiment(args.experiment)
        print(f"{exp.id}: {exp.title} (question {exp.question})\n{exp.summary}\n")
        print("presets: " + ", ".join(f"{name}" + (f" ({exp.preset_help[name]})" if name in exp.preset_help else "")
                                     for name in exp.presets))
        print("parameters:")
        for p in exp.params:
            print(f"  --{p.name.replace('_', '-'):22} default {p.default!r:10} {p.allowed()}; {p.help}")
        return 0
    for exp in experiments():
        print(f"{exp.id:18} Q{exp.question}  {exp.title}   presets: {', '.join(exp.presets)}")
    return 0


def cmd_cache(args: argparse.Namespace, extra: list[str]) -> int:
    """Show the XLA compile cache's size, or clear it (the next run of each model compiles again)."""
    from engine import xla_cache

    directory = xla_cache.cache_dir(args.home)
    if args.action == "clear":
        files, size = xla_cache.clear(args.home)
        print(f"Cleared the compile cache {directory}: {files} files, {size / 1e6:.1f} MB.")
        return 0
    found = xla_cache.entries(directory)
    print(f"Compile cache {directory}: {len(found)} files, {sum(found.values()) / 1e6:.1f} MB "
          f"(bound {xla_cache.max_bytes() / 1e6:.0f} MB, ${xla_cache.MAX_BYTES_ENV}).")
    return 0


def cmd_rm(args: argparse.Namespace, extra: list[str]) -> int:
    """Delete the named runs: every id is checked first, so one bad id deletes nothing."""
    from engine.run_cleanup import delete, refuse_running

    store = RunStore(args.home)
    paths = list(dict.fromkeys(store.path_of(run_id) for run_id in args.run_ids))
    refuse_running(store, paths)
    freed = delete(store, paths)
    print(f"Deleted {len(paths)} run{'s' if len(paths) != 1 else ''}, freeing {human_size(freed)}.")
    return 0


def cmd_prune(args: argparse.Namespace, extra: list[str]) -> int:
    """List what the filters would delete; delete it only with --yes."""
    from engine.run_cleanup import PruneRule, choose, delete
    from engine.run_index import now, parse_age

    try:
        age = parse_age(args.older_than) if args.older_than else None
    except ValueError as error:
        raise TutorError(f"--older-than: {error}.") from None
    statuses = frozenset(s.strip() for s in args.status.split(",") if s.strip()) if args.status else None
    unknown = sorted((statuses or set()) - set(STATUSES))
    if unknown:
        raise TutorError(f"--status: unknown status {', '.join(unknown)}; choose from {', '.join(STATUSES)}.")
    if args.keep_best is not None and args.keep_best < 0:
        raise TutorError("--keep-best takes a number of runs, 0 or more.")
    store = RunStore(args.home)
    chosen = choose(store.list(notice=_notice), PruneRule(age, statuses, args.keep_best), now())
    total = sum(r.size_bytes or 0 for r in chosen)
    for row in chosen:
        print(f"{row.run_id}  {row.experiment} ({row.preset})  {row.status}  {human_size(row.size_bytes)}")
    if not chosen:
        print("No run matches; nothing to prune.")
        return 0
    if not args.yes:
        print(f"Dry run: nothing was deleted. Add --yes to delete these {len(chosen)} runs ({human_size(total)}).")
        return 0
    freed = delete(store, [r.path for r in chosen])
    print(f"Deleted {len(chosen)} runs, freeing {human_size(freed)}.")
    return 0


def _notice(message: str) -> None:
    print(f"ch11-tutor: {message}", file=sys.stderr)


COMMANDS = {"run": cmd_run, "runs": cmd_runs, "show": cmd_show, "stop": cmd_stop, "experiments": cmd_experiments,
            "rm": cmd_rm, "prune": cmd_prune, "cache": cmd_cache}


def _row_json(row: Any) -> dict[str, Any]:
    return {"run_id": row.run_id, "experiment": row.experiment, "preset": row.preset, "status": row.status,
            "best_val_accuracy": row.best_val_accuracy, "test_accuracy": row.test_accuracy,
            "epochs": row.epochs, "seconds": row.seconds, "seconds_per_epoch": row.seconds_per_epoch,
            "problem": row.problem, "path": str(row.path), "size_bytes": row.size_bytes}


def _num(value: Any) -> str:
    return f"{value:.4f}" if isinstance(value, float) else str(value if value is not None else "")
