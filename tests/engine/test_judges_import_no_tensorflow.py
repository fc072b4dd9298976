"""Every pure judge loads without TensorFlow or Keras, so its tests run in microseconds."""
from __future__ import annotations

import subprocess
import sys

CODE = """
import importlib, pkgutil, sys
import engine.judges
for info in pkgutil.iter_modules(engine.judges.__path__):
    importlib.import_module("engine.judges." + info.name)
print("HEAVY:" + ",".join(sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras"))))
"""


def test_no_judge_imports_tensorflow_or_keras():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "HEAVY:"
