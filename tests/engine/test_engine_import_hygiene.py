"""The engine and content never import textual, and listing things never imports TensorFlow."""
from __future__ import annotations

import subprocess
import sys

CODE = """
import sys
import engine, engine.cli, engine.launcher, engine.runs, engine.registry, engine.data, engine.execute
engine.registry.experiments()
engine.cli.main(["experiments"])
engine.cli.main(["runs"])
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "tensorflow", "keras", "keras_tuner"))
print("IMPORTED:" + ",".join(bad))
"""


def test_engine_imports_neither_textual_nor_tensorflow():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "IMPORTED:"
