"""Mutation score per module from `mutmut results`, survivors judged equivalent set apart.

Run after `mutmut run` (README, "Mutation testing"). Prints killed, survived, equivalent and
not-checked mutants per module, names each survivor not listed as equivalent, and exits 1 when
fewer than --min percent of the checked, non-equivalent mutants were killed.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENTS = ROOT / "mutmut-equivalents.md"
KILLED = {"killed", "timeout", "caught by type check"}


def equivalent_names(path: Path = EQUIVALENTS) -> set[str]:
    """Mutant names listed in the equivalents file, one `- `name`: reason` bullet each."""
    if not path.exists():
        return set()
    return set(re.findall(r"^- `([^`]+)`", path.read_text(encoding="utf-8"), flags=re.MULTILINE))


def results(mutmut: str) -> dict[str, str]:
    """Every mutant's status, as `mutmut results --all true` prints it."""
    out = subprocess.run([mutmut, "results", "--all", "true"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    found = {}
    for line in out.splitlines():
        name, colon, status = line.strip().rpartition(": ")
        if colon and "__mutmut_" in name:
            found[name] = status.strip()
    return found


def module_of(name: str) -> str:
    """engine.runs.xǁRunStoreǁsummary__mutmut_3 -> engine.runs."""
    return re.split(r"\.x[_ǁ]", name, maxsplit=1)[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min", type=float, default=90.0, help="least killed percentage to pass")
    parser.add_argument("--mutmut", default=str(Path(sys.executable).with_name("mutmut")))
    args = parser.parse_args(argv)
    statuses, equivalent = results(args.mutmut), equivalent_names()
    table: dict[str, Counter] = defaultdict(Counter)
    unexplained = []
    for name, status in statuses.items():
        kind = "killed" if status in KILLED else status
        if status == "survived" and name in equivalent:
            kind = "equivalent"
        elif status in ("survived", "no tests"):
            unexplained.append(name)
        table[module_of(name)][kind] += 1
    total = Counter()
    print(f"{'module':34} {'killed':>7} {'survived':>8} {'no tests':>8} {'equiv.':>6} {'unchecked':>9} {'score':>6}")
    for module in sorted(table):
        row = table[module]
        total.update(row)
        print(_line(module, row))
    print(_line("all", total))
    score = _score(total)
    for name in sorted(unexplained):
        print(f"not killed and not listed as equivalent: {name}")
    if score is None or score < args.min:
        print(f"mutation score below {args.min:g}%", file=sys.stderr)
        return 1
    return 0


def _score(row: Counter) -> float | None:
    checked = row["killed"] + row["survived"] + row["no tests"]
    return 100.0 * row["killed"] / checked if checked else None


def _line(module: str, row: Counter) -> str:
    score = _score(row)
    shown = f"{score:5.1f}%" if score is not None else "    -"
    return (f"{module:34} {row['killed']:7} {row['survived']:8} {row['no tests']:8} {row['equivalent']:6} "
            f"{row['not checked']:9} {shown:>6}")


if __name__ == "__main__":
    sys.exit(main())
