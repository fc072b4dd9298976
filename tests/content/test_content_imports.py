"""Loading the questions never pulls in the UI toolkit or TensorFlow."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys
import content
assert len(content.load_questions()) >= 14
print(",".join(m for m in ("textual", "tensorflow", "keras") if m in sys.modules))
"""


def test_content_imports_neither_textual_nor_tensorflow():
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"content imported: {done.stdout.strip()}"
