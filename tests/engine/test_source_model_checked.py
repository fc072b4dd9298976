"""A damaged or unsuitable transfer source is refused before any training, in one sentence."""
from __future__ import annotations

import json
import zipfile

import keras
import pytest

from engine.cli import main
from engine.execute import execute
from engine.models import build_mlp
from engine.registry import resolve_spec
from engine.runs import RunStore
from engine.source_model import MODEL_FILE, model_problem


def finished_base(store: RunStore, name: str):
    path = store.create(resolve_spec("base", quick=True), name)
    (path / "result.json").write_text(json.dumps({"status": "finished", "summary": {}}))
    return path


def saved(model: keras.Model, path):
    model.save(path / MODEL_FILE)
    return path


@pytest.fixture()
def sources(tutor_home):
    """Finished base runs whose model.keras is good, garbage, cut short, or of the wrong kind."""
    store = RunStore()
    good = saved(build_mlp(hidden_layers=2, units=8, seed=1), finished_base(store, "20260101-000001-base-plain-good"))
    garbage = finished_base(store, "20260101-000002-base-plain-junk")
    (garbage / MODEL_FILE).write_bytes(b"this is not a keras file\n" * 40)
    cut = finished_base(store, "20260101-000003-base-plain-trnc")
    (cut / MODEL_FILE).write_bytes((good / MODEL_FILE).read_bytes()[:5000])
    wide = saved(build_mlp(hidden_layers=2, units=8, input_shape=(32, 32), seed=1),
                 finished_base(store, "20260101-000004-base-plain-wide"))
    flat = saved(build_mlp(hidden_layers=0, seed=1), finished_base(store, "20260101-000005-base-plain-flat"))
    return {"good": good, "garbage": garbage, "cut": cut, "wide": wide, "flat": flat}


@pytest.mark.parametrize(("which", "message"), [
    ("garbage", "is damaged or not a Keras file"),
    ("cut", "is damaged or not a Keras file"),
    ("wide", "takes 32×32 inputs, not 28×28 images"),
    ("flat", "has no dense hidden layers"),
])
def test_the_command_refuses_the_source_before_any_folder(which, message, sources, capsys):
    path = sources[which]
    assert message in model_problem(path / MODEL_FILE)
    before = sorted(p.name for p in RunStore().root.iterdir())
    assert main(["run", "transfer", "--quick", "--source", path.name]) == 2
    err = capsys.readouterr().err
    assert f"Run {path.name} cannot be a transfer source" in err and message in err
    assert err.count("\n") == 1 and "choose another" in err
    assert sorted(p.name for p in RunStore().root.iterdir()) == before


def test_too_many_reused_layers_are_refused_in_the_command(sources, capsys):
    assert main(["run", "transfer", "--quick", "--source", sources["good"].name, "--reuse-layers", "5"]) == 2
    assert "reuse_layers must be at most 2" in capsys.readouterr().err


def test_a_good_source_passes(sources):
    assert model_problem(sources["good"] / MODEL_FILE) == ""
    assert model_problem(sources["good"] / MODEL_FILE, reuse_layers=2) == ""


def test_weights_keras_cannot_read_fail_the_run_in_one_sentence_before_training(sources, tutor_home):
    broken = finished_base(RunStore(), "20260101-000006-base-plain-wts")
    with zipfile.ZipFile(sources["good"] / MODEL_FILE) as good, zipfile.ZipFile(broken / MODEL_FILE, "w") as bad:
        for name in good.namelist():
            body = good.read(name)
            bad.writestr(name, body[:64] if name.endswith(".h5") else body)  # the signature, then nothing
    assert model_problem(broken / MODEL_FILE) == ""  # the architecture reads fine; only Keras finds out
    status, path = execute(resolve_spec("transfer", "frozen-5", overrides={"source": broken.name, "reuse_layers": 2},
                                        quick=True), tutor_home)
    result = json.loads((path / "result.json").read_text())
    assert status == "failed"
    assert result["error"].startswith(f"The model in run {broken.name} is damaged or not a Keras file")
    assert "\n" not in result["error"]
    events = (path / "events.jsonl").read_text()
    assert '"epoch_end"' not in events
