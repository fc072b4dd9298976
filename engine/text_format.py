"""How a share is written wherever the project shows one: the CLI, the transfer summary and the Runs screen."""
from __future__ import annotations

from typing import Any


def percent(value: Any, missing: str = "") -> str:
    """A share as a percentage with two decimals (0.9312 -> "93.12%"); `missing` for no number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return missing
    return f"{value:.2%}"
