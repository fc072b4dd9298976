"""A distributed search's config, word for word: each refusal's sentence, the worker command, the timeout."""
from __future__ import annotations

import re
import socket

import pytest

from engine.distributed.address import OracleAddress, check_port_free, check_reachable, parse_address
from engine.distributed.config import (
    DEFAULT_TIMEOUT,
    TIMEOUT_ENV,
    DistributedConfig,
    from_env,
    from_flags,
    worker_timeout,
)
from engine.errors import ParamError, RunError

PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


@pytest.fixture(autouse=True)
def no_search_environment(monkeypatch):
    """Flags only: a token or TLS file exported in the shell running the tests must not leak in."""
    for name in ("CH11_TUTOR_SEARCH_TOKEN", "CH11_TUTOR_TLS_CERT", "CH11_TUTOR_TLS_KEY", TIMEOUT_ENV):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def pem(tmp_path):
    cert, key = tmp_path / "chief.pem", tmp_path / "chief.key"
    cert.write_text(PEM)
    key.write_text(PEM.replace("CERTIFICATE", "PRIVATE KEY"))
    return cert, key


def refused(*args, **kwargs) -> str:
    with pytest.raises(ParamError) as caught:
        from_flags(*args, **kwargs)
    return str(caught.value)


@pytest.mark.parametrize(("flags", "first"), [
    ({"oracle": "h:1"}, "--oracle"), ({"worker_id": 0}, "--worker-id"), ({"token": "t"}, "--token"),
    ({"tls_cert": "c.pem"}, "--tls-cert"), ({"tls_key": "k.pem"}, "--tls-key"),
    ({"token": "t", "tls_key": "k.pem"}, "--token")])
def test_a_distributed_flag_without_distributed_names_itself(flags, first):
    flags = dict(flags)  # the parameter's own dict is shared by every run of the test
    assert refused("tune", None, flags.pop("oracle", None), flags.pop("worker_id", None), **flags) == (
        f"{first} only applies to a distributed search; add --distributed chief or --distributed worker.")


def test_an_ordinary_run_has_no_config():
    assert from_flags("tune", None, None, None) is None
    assert from_flags("tune", None, "", None, token="", tls_cert="", tls_key="") is None


def test_each_refusal_of_the_role_experiment_and_resume_word_for_word():
    assert refused("tune", "boss", "h:1", None) == "--distributed must be chief or worker (got 'boss')."
    assert refused("base", "chief", "h:1", None) == (
        "Only the tune experiment can be distributed; 'base' trains one model in one process (use --strategy "
        "mirrored to spread it over a box's GPUs).")
    assert refused("tune", "chief", "h:1", None, resume="tune-1") == (
        "A distributed search cannot be resumed; start a new one without --resume.")
    assert from_flags("tune", "chief", "h:1", None, resume="  ") == DistributedConfig("chief", OracleAddress("h", 1))


def test_each_refusal_of_a_worker_word_for_word():
    assert refused("tune", "chief", "h:1", 0) == "The chief has no worker id; give --worker-id only to workers."
    needs_id = ("Each worker needs its own id: add --worker-id N (0, 1, 2, …), different on every worker.")
    assert refused("tune", "worker", "h:1", None, token="t") == needs_id
    assert refused("tune", "worker", "h:1", " ", token="t") == needs_id
    for bad in ("x", "-1", "10000", "1.5"):
        assert refused("tune", "worker", "h:1", bad, token="t") == (
            f"--worker-id must be a whole number from 0 to 9999 (got '{bad}').")
    assert refused("tune", "worker", "h:1", "2") == (
        "A worker needs its search's token: copy CH11_TUTOR_SEARCH_TOKEN=… from the worker command the chief "
        "printed (or pass --token).")
    assert from_flags("tune", "worker", "h:1", " 0 ", token=" t ") == DistributedConfig(
        "worker", OracleAddress("h", 1), 0, token="t")
    assert from_flags("tune", "worker", "h:1", 9999, token="t").worker_id == 9999


def test_the_token_and_tls_files_come_from_the_environment_when_no_flag_gives_them(monkeypatch, pem):
    cert, key = pem
    monkeypatch.setenv("CH11_TUTOR_SEARCH_TOKEN", " from-env ")
    monkeypatch.setenv("CH11_TUTOR_TLS_CERT", str(cert))
    monkeypatch.setenv("CH11_TUTOR_TLS_KEY", str(key))
    chief = from_flags("tune", "chief", "h:1", None)
    assert (chief.token, chief.tls_cert, chief.tls_key) == ("from-env", str(cert.resolve()), str(key.resolve()))
    assert from_flags("tune", "chief", "h:1", None, token="flag").token == "flag"
    monkeypatch.delenv("CH11_TUTOR_TLS_KEY")
    worker = from_flags("tune", "worker", "h:1", "1")
    assert (worker.token, worker.tls_cert, worker.tls_key) == ("from-env", str(cert.resolve()), "")


def test_tls_refusals_word_for_word(pem, tmp_path):
    cert, key = pem
    both = "TLS needs both --tls-cert and --tls-key on the chief (or neither, for plain gRPC)."
    assert refused("tune", "chief", "h:1", None, tls_cert=str(cert)) == both
    assert refused("tune", "chief", "h:1", None, tls_key=str(key)) == both
    assert refused("tune", "chief", "h:1", None, tls_cert=" ", tls_key=str(key)) == both
    assert refused("tune", "worker", "h:1", "1", token="t", tls_cert=str(cert), tls_key=str(key)) == (
        "A worker needs no --tls-key; give it only --tls-cert, the chief's certificate to trust.")
    missing = tmp_path / "none.pem"
    assert refused("tune", "worker", "h:1", "1", token="t", tls_cert=str(missing)) == (
        f"The TLS certificate file {missing} cannot be read (No such file or directory); give a readable PEM file.")
    text = tmp_path / "plain.txt"
    text.write_text("not a certificate")
    assert refused("tune", "chief", "h:1", None, tls_cert=str(cert), tls_key=str(text)) == (
        f"The TLS key file {text} is not a PEM file; give a readable PEM file.")
    chief = from_flags("tune", "chief", "h:1", None, tls_cert=f" {cert} ", tls_key=str(key))
    assert (chief.tls_cert, chief.tls_key) == (str(cert.resolve()), str(key.resolve()))
    worker = from_flags("tune", "worker", "h:1", "4", token="t", tls_cert=str(cert))
    assert (worker.tls_cert, worker.tls_key) == (str(cert.resolve()), "")


def test_the_worker_command_a_chief_prints(pem):
    cert, key = pem
    plain = DistributedConfig("chief", OracleAddress("10.0.0.5", 8470), token="s3cret")
    assert plain.worker_command() == (
        "CH11_TUTOR_SEARCH_TOKEN=s3cret ch11-tutor run tune --distributed worker --oracle 10.0.0.5:8470 "
        "--worker-id N (same preset and parameters)")
    tls = DistributedConfig("chief", OracleAddress("::1", 9), token="t", tls_cert=str(cert), tls_key=str(key))
    assert tls.worker_command() == (
        "CH11_TUTOR_SEARCH_TOKEN=t ch11-tutor run tune --distributed worker --oracle [::1]:9 "
        "--worker-id N --tls-cert CHIEF-CERT.pem (same preset and parameters)")
    assert (plain.label, plain.tuner_id) == ("chief", "chief")
    worker = DistributedConfig("worker", OracleAddress("h", 1), 2)
    assert (worker.label, worker.tuner_id) == ("worker 2", "worker-2")


def test_the_environment_read_back(pem):
    cert, key = pem
    env = {"KERASTUNER_TUNER_ID": "worker-12", "KERASTUNER_ORACLE_IP": "::1", "KERASTUNER_ORACLE_PORT": "8470",
           "CH11_TUTOR_SEARCH_TOKEN": "t", "CH11_TUTOR_TLS_CERT": str(cert), "CH11_TUTOR_TLS_KEY": str(key)}
    assert from_env(env) == DistributedConfig("worker", OracleAddress("::1", 8470), 12, token="t",
                                              tls_cert=str(cert))
    env["KERASTUNER_TUNER_ID"] = "the-chief"  # keras-tuner's own rule: any id containing "chief"
    assert from_env(env) == DistributedConfig("chief", OracleAddress("::1", 8470), token="t", tls_cert=str(cert),
                                              tls_key=str(key))
    bare = {"KERASTUNER_TUNER_ID": "worker-x", "KERASTUNER_ORACLE_IP": "h", "KERASTUNER_ORACLE_PORT": "2"}
    assert from_env(bare) == DistributedConfig("worker", OracleAddress("h", 2), None)
    with pytest.raises(ParamError) as caught:
        from_env({"KERASTUNER_ORACLE_IP": "h", "KERASTUNER_ORACLE_PORT": "1"})
    assert str(caught.value) == (
        "KERASTUNER_ORACLE_IP is set but KERASTUNER_TUNER_ID is not; give every process of a distributed search "
        "an id (ch11-tutor sets it from --distributed and --worker-id).")
    with pytest.raises(ParamError, match="has no port"):
        from_env({"KERASTUNER_ORACLE_IP": "h", "KERASTUNER_TUNER_ID": "chief"})


@pytest.mark.parametrize(("value", "seconds"), [(None, DEFAULT_TIMEOUT), ("5", 5.0), ("2", 2.0), ("0.5", 2.0),
                                                 ("-3", 2.0), ("soon", DEFAULT_TIMEOUT)])
def test_the_worker_timeout_defaults_to_30_s_and_never_drops_below_2_s(monkeypatch, value, seconds):
    if value is not None:
        monkeypatch.setenv(TIMEOUT_ENV, value)
    assert worker_timeout() == seconds
    assert DEFAULT_TIMEOUT == 30.0


def test_address_sentences_word_for_word():
    example = "for example --oracle 127.0.0.1:8470"
    cases = {None: f"A distributed search needs the chief's address: give --oracle HOST:PORT, {example}.",
             "h:": f"--oracle 'h:' has no port; write HOST:PORT, {example}.",
             ":80": f"--oracle ':80' has no port; write HOST:PORT, {example}.",
             "h": f"--oracle 'h' has no port; write HOST:PORT, {example}.",
             "::1:80": "--oracle '::1:80' looks like an IPv6 address; write it as [ADDRESS]:PORT.",
             "h:x": "--oracle 'h:x': the port must be a whole number from 1 to 65535.",
             "h:65536": "--oracle 'h:65536': the port must be a whole number from 1 to 65535."}
    for text, sentence in cases.items():
        with pytest.raises(ParamError) as caught:
            parse_address(text)
        assert str(caught.value) == sentence
    assert parse_address("h:65535") == OracleAddress("h", 65535) and parse_address("h:1").port == 1
    assert parse_address("[fe80::1]:7") == OracleAddress("fe80::1", 7)
    assert str(OracleAddress("fe80::1", 7)) == "[fe80::1]:7" and str(OracleAddress("h", 7)) == "h:7"


def test_network_refusals_word_for_word():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        with pytest.raises(RunError) as caught:
            check_port_free(OracleAddress("127.0.0.1", port))
        assert str(caught.value) == (f"Port {port} on 127.0.0.1 is already in use (another chief or program holds "
                                     "it); choose another port with --oracle HOST:PORT.")
    with pytest.raises(RunError) as caught:
        check_port_free(OracleAddress("no-such-host.invalid", 1))
    assert str(caught.value) == (
        "The chief cannot serve on no-such-host.invalid:1: this machine does not know the host name "
        "'no-such-host.invalid'; use one of its own addresses (or 0.0.0.0 for all of them).")
    with pytest.raises(RunError) as caught:
        check_port_free(OracleAddress("192.0.2.1", 1))  # TEST-NET-1: never one of this machine's addresses
    assert re.fullmatch(r"The chief cannot serve on 192\.0\.2\.1:1: .+; use one of this machine's own addresses "
                        r"\(or 0\.0\.0\.0 for all of them\)\.", str(caught.value))
    with pytest.raises(RunError) as caught:
        check_reachable(OracleAddress("no-such-host.invalid", 1))
    assert str(caught.value) == ("The chief's host name 'no-such-host.invalid' cannot be resolved from this "
                                 "machine; check --oracle HOST:PORT.")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    with pytest.raises(RunError) as caught:
        check_reachable(OracleAddress("127.0.0.1", closed))
    assert str(caught.value) == (
        f"No chief answers at 127.0.0.1:{closed}; start it first with `ch11-tutor run tune --distributed chief "
        f"--oracle 127.0.0.1:{closed}` and check the address and any firewall between the machines.")


def test_a_half_bracketed_address_is_refused_as_ipv6():
    for text in ("[::1:80", "::1]:80"):
        with pytest.raises(ParamError) as caught:
            parse_address(text)
        assert str(caught.value) == f"--oracle '{text}' looks like an IPv6 address; write it as [ADDRESS]:PORT."
