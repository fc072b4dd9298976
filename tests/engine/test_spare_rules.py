"""What a warm spare serves and refuses, and the switch that turns spares off (pure, no TensorFlow)."""
from __future__ import annotations

from engine.spare_rules import environment_fingerprint, identity, refusal, spares_enabled

ENV = {"PATH": "/bin", "TF_ENABLE_ONEDNN_OPTS": "0", "CH11_TUTOR_DATA": "/data/mnist.npz"}


def request(home: str = "/h/a", data: str | None = None, env: dict | None = None, argv: list | None = None) -> dict:
    return {**identity(home, data, env or ENV), "run_id": "r1",
            "argv": argv if argv is not None else ["--home", home, "run", "base", "--quick"]}


def test_a_spare_takes_a_request_for_its_own_home_data_and_environment():
    assert refusal(identity("/h/a", None, ENV), request()) is None


def test_a_spare_refuses_a_request_for_another_home_in_one_sentence():
    why = refusal(identity("/h/a", None, ENV), request(home="/h/b"))
    assert why and "/h/a" in why and "/h/b" in why and why.count(". ") == 0


def test_a_spare_refuses_another_data_source_or_environment():
    served = identity("/h/a", None, ENV)
    assert refusal(served, request(data="/other.npz"))
    assert refusal(served, request(env={**ENV, "CH11_TUTOR_DATA": "/elsewhere.npz"}))
    assert refusal(served, request(env={**ENV, "CUDA_VISIBLE_DEVICES": "1"}))


def test_a_spare_refuses_a_command_line_naming_another_home_and_anything_not_a_request():
    served = identity("/h/a", None, ENV)
    assert refusal(served, request(argv=["--home", "/h/b", "run", "base"]))
    assert refusal(served, None) and refusal(served, {"home": "/h/a"})


def test_the_fingerprint_ignores_what_the_launcher_itself_sets_and_unrelated_variables():
    base = environment_fingerprint(ENV)
    assert environment_fingerprint({**ENV, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONUNBUFFERED": "1"}) == base
    assert environment_fingerprint({**ENV, "TERM": "xterm", "CH11_TUTOR_SPARE": "1"}) == base
    assert environment_fingerprint({**ENV, "TF_XLA_FLAGS": "--tf_xla_auto_jit=2"}) != base


def test_spares_are_on_by_default_and_one_setting_or_option_turns_them_off():
    assert spares_enabled({}) and spares_enabled({"CH11_TUTOR_SPARE": "1"})
    for off in ("0", "no", "OFF", "false"):
        assert not spares_enabled({"CH11_TUTOR_SPARE": off})
    assert not spares_enabled({}, option=False) and spares_enabled({"CH11_TUTOR_SPARE": "0"}, option=True)
