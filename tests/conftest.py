"""Shared fixtures: an isolated tutor home for every test, no warm spares, and keep TensorFlow quiet."""
from __future__ import annotations

import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture(autouse=True)
def tutor_home(tmp_path, monkeypatch):
    """Every test gets its own runs home and no data override, so tests never see each other."""
    home = tmp_path / "home"
    monkeypatch.setenv("CH11_TUTOR_HOME", str(home))
    monkeypatch.delenv("CH11_TUTOR_DATA", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "user"))  # no Keras cache unless a test makes one
    monkeypatch.setenv("CH11_TUTOR_SPARE", "0")  # no warm spare unless a test turns it on: screens stay as recorded
    return home
