"""Every check that refuses bad input: the exact sentence for the bad input, and the good input passing.

Whole sentences, not fragments: a refusal's text is what the learner reads, so a change to it is
a change a test should notice. No TensorFlow is imported here.
"""
from __future__ import annotations

import numpy as np
import pytest

from engine import data
from engine.distributed.address import OracleAddress, parse_address
from engine.distributed.config import DistributedConfig, from_env, from_flags
from engine.errors import DataError, ParamError
from engine.registry import Param, get_experiment, resolve_spec

GOOD_SHAPES = {"x_train": (60000, 28, 28), "y_train": (60000,), "x_test": (10000, 28, 28), "y_test": (10000,)}


def refusal(error_type: type[Exception], call, *args, **kwargs) -> str:
    """The sentence a call refuses with."""
    with pytest.raises(error_type) as caught:
        call(*args, **kwargs)
    return str(caught.value)


# ---- data files -------------------------------------------------------------------------------

def save_npz(path, **overrides):
    """An MNIST-shaped archive of zeros (labels 0), with some arrays replaced or (None) left out."""
    arrays = {name: np.zeros(shape, np.uint8) for name, shape in GOOD_SHAPES.items()}
    arrays.update(overrides)
    np.savez(path, **{k: v for k, v in arrays.items() if v is not None})
    return path


def test_a_missing_data_file_from_the_flag_or_the_environment(tmp_path, monkeypatch):
    gone = tmp_path / "gone.npz"
    assert refusal(DataError, data.load, gone) == (
        f"MNIST file {gone} (from --data) does not exist; give the path of an existing mnist.npz, "
        "or leave --data unset to use the bundled copy.")
    monkeypatch.setenv(data.DATA_ENV, str(gone))
    assert refusal(DataError, data.load) == (
        f"MNIST file {gone} (from $CH11_TUTOR_DATA) does not exist; give the path of an existing mnist.npz, "
        "or leave $CH11_TUTOR_DATA unset to use the bundled copy.")
    assert refusal(DataError, data.locate, tmp_path) .startswith(f"MNIST file {tmp_path} (from --data)")  # a folder


def test_a_good_file_from_the_flag_or_the_environment_passes(tmp_path, monkeypatch):
    good = save_npz(tmp_path / "good.npz")
    assert data.locate(good) == data.DataSource("flag", good)
    monkeypatch.setenv(data.DATA_ENV, str(good))
    mnist = data.load()
    assert mnist.source == data.DataSource("env", good) and mnist.y_train.shape == (60000,)
    assert mnist.source.describe() == {"kind": "env", "path": str(good)}


def test_a_file_that_is_no_archive(tmp_path):
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"PK\x03\x04 but nothing after")
    text = refusal(DataError, data.load, junk)
    assert text.startswith(f"MNIST file {junk} is not a readable .npz archive (")
    assert text.endswith("); it may be truncated — replace it or remove it to use the bundled copy.")
    empty = tmp_path / "empty.npz"
    empty.write_bytes(b"")
    assert "(" in refusal(DataError, data.load, empty)


@pytest.mark.parametrize("name", sorted(GOOD_SHAPES))
def test_each_missing_array_is_named(tmp_path, name):
    path = save_npz(tmp_path / "part.npz", **{name: None})
    assert refusal(DataError, data.load, path) == (
        f"MNIST file {path} has no '{name}' array; it must hold x_train, y_train, x_test, y_test.")


@pytest.mark.parametrize("name", sorted(GOOD_SHAPES))
def test_each_wrong_shape_is_named(tmp_path, name):
    shape = (GOOD_SHAPES[name][0] - 1, *GOOD_SHAPES[name][1:])  # one image short
    path = save_npz(tmp_path / "shape.npz", **{name: np.zeros(shape, np.uint8)})
    assert refusal(DataError, data.load, path) == (
        f"MNIST file {path}: '{name}' has shape {shape}, expected {GOOD_SHAPES[name]}.")


@pytest.mark.parametrize("name", sorted(GOOD_SHAPES))
def test_each_wrong_dtype_is_named(tmp_path, name):
    path = save_npz(tmp_path / "dtype.npz", **{name: np.zeros(GOOD_SHAPES[name], np.int64)})
    assert refusal(DataError, data.load, path) == (
        f"MNIST file {path}: '{name}' has dtype int64, expected uint8.")


@pytest.mark.parametrize("name", ["y_train", "y_test"])
def test_labels_above_9_are_refused_and_9_passes(tmp_path, name):
    labels = np.zeros(GOOD_SHAPES[name], np.uint8)
    labels[-1] = 10
    path = save_npz(tmp_path / "labels.npz", **{name: labels})
    assert refusal(DataError, data.load, path) == (
        f"MNIST file {path}: '{name}' holds labels above 9; it is not MNIST.")
    labels[-1] = 9
    ok = save_npz(tmp_path / "nine.npz", **{name: labels})
    assert int(getattr(data.load(ok), name).max()) == 9


def test_a_damaged_bundled_copy(tmp_path, monkeypatch):
    fake = save_npz(tmp_path / "mnist.npz")
    monkeypatch.setattr(data, "BUNDLED_PATH", fake)
    text = refusal(DataError, data.load)
    assert text.startswith(f"The bundled MNIST file {fake} is damaged (sha256 ")
    assert text.endswith("… does not match); reinstall ch11-tutor.")
    assert data.load(fake).source.kind == "flag"  # the same file named explicitly is not checked by sha256


def test_asking_for_more_images_per_class_than_exist():
    labels = np.array([0, 0, 0, 1, 1, 1])
    assert refusal(DataError, data.sample_per_class, labels, 2, 2, seed=0) == (
        "Only 3 images of class 0 are available; 2 training + 2 validation were asked for.")
    train, val = data.sample_per_class(labels, 2, 1, seed=0)  # exactly all of them passes
    assert sorted([*train, *val]) == [0, 1, 2, 3, 4, 5]


# ---- parameter bounds -------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "text", "sentence"), [
    ("units", "4", "Parameter 'units' must be a whole number from 5 to 1000 (got 4)."),
    ("units", "1001", "Parameter 'units' must be a whole number from 5 to 1000 (got 1001)."),
    ("units", "many", "Parameter 'units' must be a whole number from 5 to 1000 (got 'many')."),
    ("units", "12.5", "Parameter 'units' must be a whole number from 5 to 1000 (got '12.5')."),
    ("learning_rate", "1.5", "Parameter 'learning_rate' must be a number from 1e-06 to 1 (got 1.5)."),
    ("learning_rate", "0", "Parameter 'learning_rate' must be a number from 1e-06 to 1 (got 0.0)."),
    ("learning_rate", "fast", "Parameter 'learning_rate' must be a number from 1e-06 to 1 (got 'fast')."),
    ("learning_rate", "inf", "Parameter 'learning_rate' must be a number from 1e-06 to 1 (got inf)."),
    ("dropout", "0.95", "Parameter 'dropout' must be a number from 0 to 0.9 (got 0.95)."),
    ("dropout", "-0.1", "Parameter 'dropout' must be a number from 0 to 0.9 (got -0.1)."),
    ("patience", "0", "Parameter 'patience' must be a whole number from 1 to 200 (got 0)."),
    ("batch_norm", "perhaps", "Parameter 'batch_norm' must be true or false (got 'perhaps')."),
    ("activation", "softsign", "Parameter 'activation' must be one of elu, relu, selu, leaky_relu, gelu, "
                               "swish, tanh, sigmoid (got 'softsign')."),
])
def test_each_bad_value_gets_its_sentence(name, text, sentence):
    assert refusal(ParamError, resolve_spec, "base", overrides={name: text}) == sentence


@pytest.mark.parametrize(("name", "text", "value"), [
    ("units", "5", 5), ("units", "1000", 1000), ("units", " 50.0 ", 50), ("learning_rate", "1e-6", 1e-6),
    ("learning_rate", "1", 1.0), ("dropout", "0", 0.0), ("dropout", "0.9", 0.9), ("patience", "1", 1),
    ("patience", "200", 200), ("batch_norm", "yes", True), ("batch_norm", "Off", False),
    ("batch_norm", "1", True), ("batch_norm", "n", False), ("activation", "selu", "selu"),
])
def test_values_at_the_bounds_pass(name, text, value):
    assert resolve_spec("base", overrides={name: text}).params[name] == value


@pytest.mark.parametrize(("value", "sentence"), [
    (True, "Parameter 'units' must be a whole number from 5 to 1000 (got True)."),
    (12.5, "Parameter 'units' must be a whole number from 5 to 1000 (got 12.5)."),
    ("12", None),  # text is parsed, not refused
    ([12], "Parameter 'units' must be a whole number from 5 to 1000 (got [12])."),
    (4, "Parameter 'units' must be a whole number from 5 to 1000 (got 4)."),
])
def test_typed_values_are_checked_with_the_same_sentence(value, sentence):
    if sentence is None:
        assert resolve_spec("base", overrides={"units": value}).params["units"] == 12
    else:
        assert refusal(ParamError, resolve_spec, "base", overrides={"units": value}) == sentence


def test_typed_values_of_every_kind():
    flag = Param("flag", "bool", False)
    assert refusal(ParamError, flag.check, 1) == "Parameter 'flag' must be true or false (got 1)."
    rate = Param("rate", "float", 0.5, low=0.0, high=1.0)
    assert rate.check(1) == 1.0 and isinstance(rate.check(1), float)
    assert refusal(ParamError, rate.check, False) == "Parameter 'rate' must be a number from 0 to 1 (got False)."
    assert refusal(ParamError, rate.check, float("nan")) == "Parameter 'rate' must be a number from 0 to 1 (got nan)."
    assert refusal(ParamError, rate.check, "0.5") == "Parameter 'rate' must be a number from 0 to 1 (got '0.5')."
    name = Param("name", "str", "x")
    assert name.check("y") == "y" and name.parse(" y ") == "y"
    assert refusal(ParamError, name.check, 3) == "Parameter 'name' must be text (got 3)."
    unbounded = Param("n", "int", 0)
    assert unbounded.allowed() == "a whole number" and unbounded.parse("-7") == -7
    assert Param("f", "float", 0.0, low=0.0).allowed() == "a number"
    assert Param("f", "float", 0.0, high=0.5).allowed() == "a number"
    assert refusal(ParamError, Param("f", "float", 0.0, high=0.5).check, 0.6) == \
        "Parameter 'f' must be a number (got 0.6)."
    assert refusal(ParamError, Param("f", "float", 0.5, low=0.5).check, 0.4) == \
        "Parameter 'f' must be a number (got 0.4)."
    assert Param("f", "float", 0.0, low=0.0, high=2.5).allowed() == "a number from 0 to 2.5"
    assert Param("f", "float", 0.0, low=-3.0, high=1e5).allowed() == "a number from -3 to 100000"
    with pytest.raises(ValueError, match=r"^unknown parameter kind 'text'$"):
        Param("bad", "text", "")


def test_unknown_experiment_preset_and_parameter_sentences():
    known = ", ".join(e for e in __import__("engine.registry", fromlist=["x"]).experiment_ids())
    assert refusal(ParamError, resolve_spec, "nope") == f"Unknown experiment 'nope'; known experiments: {known}."
    assert refusal(ParamError, resolve_spec, "base", "fast") == (
        "Experiment 'base' has no preset 'fast'; its presets are: plain, batchnorm, dropout.")
    names = ", ".join(p.name for p in get_experiment("base").params)
    assert refusal(ParamError, resolve_spec, "base", overrides={"lr": "0.1"}) == (
        f"Experiment 'base' has no parameter 'lr'; its parameters are: {names}.")
    assert get_experiment("base").param("learning-rate").name == "learning_rate"  # dashes are underscores


# ---- the chief's address and the distributed flags ----------------------------------------------

EXAMPLE = "for example --oracle 127.0.0.1:8470"


@pytest.mark.parametrize(("text", "sentence"), [
    (None, f"A distributed search needs the chief's address: give --oracle HOST:PORT, {EXAMPLE}."),
    ("  ", f"A distributed search needs the chief's address: give --oracle HOST:PORT, {EXAMPLE}."),
    ("chief", f"--oracle 'chief' has no port; write HOST:PORT, {EXAMPLE}."),
    (":8470", f"--oracle ':8470' has no port; write HOST:PORT, {EXAMPLE}."),
    ("chief:", f"--oracle 'chief:' has no port; write HOST:PORT, {EXAMPLE}."),
    ("::1:8470", "--oracle '::1:8470' looks like an IPv6 address; write it as [ADDRESS]:PORT."),
    ("chief:http", "--oracle 'chief:http': the port must be a whole number from 1 to 65535."),
    ("chief:0", "--oracle 'chief:0': the port must be a whole number from 1 to 65535."),
    ("chief:65536", "--oracle 'chief:65536': the port must be a whole number from 1 to 65535."),
    ("chief:-1", "--oracle 'chief:-1': the port must be a whole number from 1 to 65535."),
])
def test_each_bad_address_gets_its_sentence(text, sentence):
    assert refusal(ParamError, parse_address, text) == sentence


@pytest.mark.parametrize(("text", "address", "shown"), [
    ("chief:1", OracleAddress("chief", 1), "chief:1"),
    ("10.0.0.2:65535", OracleAddress("10.0.0.2", 65535), "10.0.0.2:65535"),
    ("[::1]:8470", OracleAddress("::1", 8470), "[::1]:8470"),
    ("[fe80::2]:80", OracleAddress("fe80::2", 80), "[fe80::2]:80"),
])
def test_good_addresses_pass_and_print_as_typed(text, address, shown):
    assert parse_address(text) == address and str(address) == shown


@pytest.mark.parametrize(("args", "sentence"), [
    (("tune", None, "h:1", None),
     "--oracle only applies to a distributed search; add --distributed chief or --distributed worker."),
    (("tune", None, None, "2"),
     "--worker-id only applies to a distributed search; add --distributed chief or --distributed worker."),
    (("tune", None, None, 0),
     "--worker-id only applies to a distributed search; add --distributed chief or --distributed worker."),
    (("tune", "boss", "h:1", None), "--distributed must be chief or worker (got 'boss')."),
    (("base", "chief", "h:1", None), "Only the tune experiment can be distributed; 'base' trains one model in "
                                     "one process (use --strategy mirrored to spread it over a box's GPUs)."),
    (("tune", "chief", "h:1", "3"), "The chief has no worker id; give --worker-id only to workers."),
    (("tune", "worker", "h:1", None),
     "Each worker needs its own id: add --worker-id N (0, 1, 2, …), different on every worker."),
    (("tune", "worker", "h:1", " "),
     "Each worker needs its own id: add --worker-id N (0, 1, 2, …), different on every worker."),
    (("tune", "worker", "h:1", "two"), "--worker-id must be a whole number from 0 to 9999 (got 'two')."),
    (("tune", "worker", "h:1", "-1"), "--worker-id must be a whole number from 0 to 9999 (got '-1')."),
    (("tune", "worker", "h:1", "10000"), "--worker-id must be a whole number from 0 to 9999 (got '10000')."),
])
def test_each_bad_flag_combination_gets_its_sentence(args, sentence):
    assert refusal(ParamError, from_flags, *args) == sentence


def test_a_distributed_search_cannot_be_resumed():
    assert refusal(ParamError, from_flags, "tune", "chief", "h:1", None, resume="20260101-x") == (
        "A distributed search cannot be resumed; start a new one without --resume.")
    assert from_flags("tune", "chief", "h:1", None, resume="  ") == DistributedConfig("chief", OracleAddress("h", 1))


def test_good_flags_pass():
    assert from_flags("tune", None, None, None) is None and from_flags("tune", None, "", None) is None
    chief = from_flags("tune", "chief", "h:1", None)
    assert chief == DistributedConfig("chief", OracleAddress("h", 1))
    assert (chief.tuner_id, chief.label) == ("chief", "chief")
    for given, number in (("0", 0), (" 9999 ", 9999), (7, 7)):
        worker = from_flags("tune", "worker", "h:1", given, token="t")
        assert worker == DistributedConfig("worker", OracleAddress("h", 1), number, token="t")
        assert (worker.tuner_id, worker.label) == (f"worker-{number}", f"worker {number}")


def test_keras_tuners_environment_is_read_back_or_refused():
    assert from_env({}) is None
    assert refusal(ParamError, from_env, {"KERASTUNER_ORACLE_IP": "h", "KERASTUNER_ORACLE_PORT": "1"}) == (
        "KERASTUNER_ORACLE_IP is set but KERASTUNER_TUNER_ID is not; give every process of a distributed search "
        "an id (ch11-tutor sets it from --distributed and --worker-id).")
    assert refusal(ParamError, from_env, {"KERASTUNER_ORACLE_IP": "h", "KERASTUNER_TUNER_ID": "chief"}) == (
        f"--oracle 'h:' has no port; write HOST:PORT, {EXAMPLE}.")
    base = {"KERASTUNER_ORACLE_IP": "::1", "KERASTUNER_ORACLE_PORT": "8470"}
    assert from_env({**base, "KERASTUNER_TUNER_ID": "chief"}) == DistributedConfig("chief", OracleAddress("::1", 8470))
    assert from_env({**base, "KERASTUNER_TUNER_ID": "worker-12"}).worker_id == 12
    assert from_env({**base, "KERASTUNER_TUNER_ID": "worker-x"}).worker_id is None
    assert from_env({**base, "KERASTUNER_TUNER_ID": "worker-12"}).role == "worker"


def test_the_process_environment_is_read_when_none_is_given(monkeypatch):
    for name in ("KERASTUNER_ORACLE_IP", "KERASTUNER_ORACLE_PORT", "KERASTUNER_TUNER_ID"):
        monkeypatch.delenv(name, raising=False)
    assert from_env() is None
    monkeypatch.setenv("KERASTUNER_ORACLE_IP", "10.0.0.1")
    monkeypatch.setenv("KERASTUNER_ORACLE_PORT", "8470")
    monkeypatch.setenv("KERASTUNER_TUNER_ID", "worker-3")
    assert from_env() == DistributedConfig("worker", OracleAddress("10.0.0.1", 8470), 3)


def test_a_spec_read_back_keeps_its_data_file_and_quick_flag():
    from engine.registry import RunSpec

    spec = resolve_spec("base", "dropout", {"seed": "7"}, quick=True, data="/data/mnist.npz")
    again = RunSpec.from_json(spec.to_json())
    assert again == spec and again.data == "/data/mnist.npz" and again.quick is True
    plain = RunSpec.from_json({"experiment": "base"})  # preset, params, quick and data all default
    assert (plain.preset, plain.quick, plain.data) == ("plain", False, None)
    assert plain.params == resolve_spec("base").params
    assert refusal(ParamError, RunSpec.from_json, {"experiment": "base", "params": {"units": 0}}) == \
        "Parameter 'units' must be a whole number from 5 to 1000 (got 0)."


def test_large_bounds_print_whole():
    assert get_experiment("base").param("seed").allowed() == "a whole number from 0 to 2147483647"


def test_a_short_reason_from_an_error():
    assert data._short(ValueError("")) == "ValueError"
    assert data._short(ValueError("x" * 100 + "\nmore")) == "x" * 80


def test_the_chiefs_port_and_the_workers_chief_refused_in_whole_sentences():
    import socket

    from engine.distributed.address import check_port_free, check_reachable
    from engine.errors import RunError

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert refusal(RunError, check_port_free, OracleAddress("127.0.0.1", port)) == (
            f"Port {port} on 127.0.0.1 is already in use (another chief or program holds it); "
            "choose another port with --oracle HOST:PORT.")
        check_reachable(OracleAddress("127.0.0.1", port))  # something answers: passes
    check_port_free(OracleAddress("127.0.0.1", port))  # closed again: free, passes
    assert refusal(RunError, check_reachable, OracleAddress("127.0.0.1", port), timeout=2.0) == (
        f"No chief answers at 127.0.0.1:{port}; start it first with `ch11-tutor run tune --distributed chief "
        f"--oracle 127.0.0.1:{port}` and check the address and any firewall between the machines.")
    # an address that is not this machine's (TEST-NET-1): the kernel refuses the bind at once
    assert refusal(RunError, check_port_free, OracleAddress("192.0.2.1", 8470)) == (
        "The chief cannot serve on 192.0.2.1:8470: Cannot assign requested address; use one of this "
        "machine's own addresses (or 0.0.0.0 for all of them).")
