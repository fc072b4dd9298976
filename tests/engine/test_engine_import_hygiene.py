"""The engine and content never import textual, and listing things never imports TensorFlow."""
from __future__ import annotations

import subprocess
import sys

LISTING = """
import sys
import engine, engine.cli, engine.launcher, engine.runs, engine.registry, engine.data, engine.execute
import content
engine.registry.experiments()
content.load_questions()
engine.cli.main(["experiments"])
engine.cli.main(["runs"])
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "tensorflow", "keras", "keras_tuner"))
print("IMPORTED:" + ",".join(bad))
"""

EVERY_MODULE = """
import importlib, pkgutil, sys
import engine, content
for package in (engine, content):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if not info.name.endswith("__main__"):  # importing __main__ would run the CLI
            importlib.import_module(info.name)
print("TEXTUAL:" + ",".join(sorted(m for m in sys.modules if m.split(".")[0] == "textual")))
"""


def run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout


def test_listing_imports_neither_textual_nor_tensorflow():
    assert run(LISTING).strip().splitlines()[-1] == "IMPORTED:"


def test_no_engine_or_content_module_imports_textual():
    assert run(EVERY_MODULE).strip().splitlines()[-1] == "TEXTUAL:"
