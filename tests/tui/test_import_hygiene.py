"""Starting the app and visiting its screens never imports TensorFlow, Keras or keras-tuner."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

HEAVY = ("tensorflow", "keras", "keras_tuner")

VISIT_EVERY_SCREEN = textwrap.dedent("""
    import asyncio, json, sys
    import tui.app
    lean = sorted(m for m in ("engine.launcher", "engine.registry", "tui.run_manager") if m in sys.modules)
    from tui.app import TutorApp

    async def visit():
        app = TutorApp()
        async with app.run_test(size=(120, 36)) as pilot:
            for key in ("h", "a", "l", "r", "q", "question_mark", "escape"):
                await pilot.press(key)
                await pilot.pause()
            return type(app.screen).__name__

    last = asyncio.run(visit())
    heavy = sorted(m for m in sys.modules if m.split(".")[0] in %r)
    print(json.dumps({"last": last, "heavy": heavy, "lean": lean}))
""" % (HEAVY,))


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    """What a fresh interpreter imported while it opened the app and visited every screen."""
    home = tmp_path_factory.mktemp("fresh-home")
    env = {**os.environ, "CH11_TUTOR_HOME": str(home)}  # the module fixture runs before the per-test home
    done = subprocess.run([sys.executable, "-c", VISIT_EVERY_SCREEN], capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_app_runs_every_screen_without_tensorflow(report):
    assert report["last"] == "QuestionsScreen"  # the keys really moved through the screens and back
    assert report["heavy"] == []


def test_importing_the_app_leaves_the_run_machinery_for_later(report):
    assert report["lean"] == []
