"""A distributed search's flags are checked before anything starts: one sentence for each mistake."""
from __future__ import annotations

import socket

import pytest

from engine.cli import main
from engine.distributed.address import OracleAddress, check_port_free, check_reachable, parse_address
from engine.distributed.config import from_env, from_flags
from engine.errors import ParamError, RunError


@pytest.fixture
def listening():
    """A port something is listening on (as a running chief would be)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # free again once closed: nothing answers there


@pytest.mark.parametrize(("text", "host", "port"), [
    ("127.0.0.1:8470", "127.0.0.1", 8470), ("chief.lan:1", "chief.lan", 1), ("[::1]:65535", "::1", 65535),
    (" 0.0.0.0:9000 ", "0.0.0.0", 9000)])
def test_addresses_parse(text, host, port):
    assert parse_address(text) == OracleAddress(host, port)


@pytest.mark.parametrize(("text", "words"), [
    ("", "needs the chief's address"), ("127.0.0.1", "has no port"), ("127.0.0.1:", "has no port"),
    ("host:http", "whole number"), ("host:0", "from 1 to 65535"), ("host:70000", "from 1 to 65535"),
    ("::1:80", "IPv6")])
def test_bad_addresses_get_one_sentence(text, words):
    with pytest.raises(ParamError, match=words):
        parse_address(text)


def test_a_port_in_use_is_refused_before_the_chief_starts(listening):
    with pytest.raises(RunError, match=f"Port {listening} on 127.0.0.1 is already in use"):
        check_port_free(OracleAddress("127.0.0.1", listening))
    check_port_free(OracleAddress("127.0.0.1", closed_port()))  # a free port passes


def test_an_unreachable_chief_is_refused_before_the_worker_starts(listening):
    port = closed_port()
    with pytest.raises(RunError, match=f"No chief answers at 127.0.0.1:{port}"):
        check_reachable(OracleAddress("127.0.0.1", port))
    check_reachable(OracleAddress("127.0.0.1", listening))  # something listening passes


@pytest.mark.parametrize(("args", "words"), [
    (("tune", "worker", "127.0.0.1:8470", None), "needs its own id: add --worker-id"),
    (("tune", "worker", "127.0.0.1:8470", "x"), "--worker-id must be a whole number"),
    (("tune", "worker", "127.0.0.1:8470", "-1"), "--worker-id must be a whole number"),
    (("tune", "chief", "127.0.0.1:8470", "2"), "The chief has no worker id"),
    (("tune", "boss", "127.0.0.1:8470", None), "must be chief or worker"),
    (("base", "chief", "127.0.0.1:8470", None), "Only the tune experiment can be distributed"),
    (("tune", None, "127.0.0.1:8470", None), "--oracle only applies to a distributed search"),
    (("tune", "chief", None, None), "needs the chief's address")])
def test_bad_flag_combinations_get_one_sentence(args, words):
    with pytest.raises(ParamError, match=words):
        from_flags(*args)


def test_flags_become_keras_tuners_own_environment_and_back():
    worker = from_flags("tune", "worker", "[::1]:8470", "3", token="secret")
    env = worker.env()
    assert env == {"KERASTUNER_TUNER_ID": "worker-3", "KERASTUNER_ORACLE_IP": "::1",
                   "KERASTUNER_ORACLE_PORT": "8470", "CH11_TUTOR_SEARCH_TOKEN": "secret"}
    assert from_env(env) == worker
    chief = from_flags("tune", "chief", "0.0.0.0:8470", None)
    assert from_env(chief.env()) == chief and from_env({}) is None
    with pytest.raises(ParamError, match="KERASTUNER_TUNER_ID is not"):
        from_env({"KERASTUNER_ORACLE_IP": "h", "KERASTUNER_ORACLE_PORT": "1"})


def test_the_command_refuses_before_making_a_run_folder(listening, tutor_home, capsys):
    port = closed_port()
    cases = [
        (["run", "tune", "--quick", "--distributed", "chief", "--oracle", f"127.0.0.1:{listening}"], "already in use"),
        (["run", "tune", "--quick", "--distributed", "worker", "--oracle", f"127.0.0.1:{port}", "--worker-id", "1",
          "--token", "t"],
         "No chief answers"),
        (["run", "tune", "--quick", "--distributed", "worker", "--oracle", f"127.0.0.1:{listening}"],
         "--worker-id"),
        (["run", "tune", "--quick", "--distributed", "chief", "--oracle", "127.0.0.1"], "has no port"),
    ]
    for argv, words in cases:
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert words in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tutor_home / "runs").exists() or not any((tutor_home / "runs").iterdir())
