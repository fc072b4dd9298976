"""Every judge is a pure function of numbers: importing all of engine.judges loads no TensorFlow or Keras."""
from __future__ import annotations

import subprocess
import sys

CODE = """
import importlib, pkgutil, sys
import engine.judges
names = [info.name for info in pkgutil.walk_packages(engine.judges.__path__, "engine.judges.")]
for name in names:
    importlib.import_module(name)
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras", "keras_tuner"))
print(len(names), "HEAVY:" + ",".join(heavy))
"""


def test_judges_import_no_tensorflow():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True).stdout.split()
    assert int(out[0]) >= 4 and out[-1] == "HEAVY:"
