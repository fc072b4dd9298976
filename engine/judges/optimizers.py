"""Judge of the optimizer race: momentum and Nesterov beat SGD, AdaGrad falls behind, Adam-like ones are fast."""
from __future__ import annotations

from typing import Any

from engine import verdicts
from engine.judges.shared import censored, diff_text, every_seed_less

CLAIMS: dict[str, str] = {
    "momentum_beats_sgd": "momentum and Nesterov reach the target validation accuracy in fewer epochs than plain SGD",
    "adagrad_falls_behind": "AdaGrad falls behind RMSProp in the same budget, because its learning rate keeps shrinking",
    "adam_family_fast": "Adam, Nadam and AdamW at their default settings reach the target in fewer epochs than plain SGD",
}


def judge(numbers: dict[str, Any]) -> verdicts.Verdict:
    """Decide each claim from per-seed epochs to target and best validation accuracies.

    `numbers`: {"epochs": budget, "target": accuracy, "by_optimizer": {name: {"epochs_to_target": [int|None per
    seed], "best_val_accuracy": [float per seed]}}}. A claim holds only when every seed agrees; the text gives the
    mean paired difference with its 95% interval.
    """
    budget, by = int(numbers["epochs"]), numbers["by_optimizer"]

    def epochs(name: str) -> list[float]:
        return censored(by[name]["epochs_to_target"], budget)

    def faster(names: tuple[str, ...], key: str) -> verdicts.Claim:
        sgd = epochs("SGD")
        held = all(every_seed_less(epochs(n), sgd) for n in names)
        parts = "; ".join(f"{n} {diff_text(sgd, epochs(n))} epochs sooner" for n in names)
        return verdicts.Claim(key, held, f"Epochs to {numbers['target']:.0%} validation accuracy (never = "
                                         f"{budget + 1}): {parts} than SGD.")

    rms, ada = by["RMSProp"]["best_val_accuracy"], by["AdaGrad"]["best_val_accuracy"]
    behind = verdicts.Claim("adagrad_falls_behind", every_seed_less(ada, rms),
                            f"Best validation accuracy in {budget} epochs: RMSProp ahead of AdaGrad by "
                            f"{diff_text(rms, ada, 100, 1, ' points')}.")
    claims = [faster(("momentum", "Nesterov"), "momentum_beats_sgd"), behind,
              faster(("Adam", "Nadam", "AdamW"), "adam_family_fast")]
    return verdicts.verdict(claims, numbers)


def example_numbers() -> dict[str, Any]:  # pragma: no mutate block (sample inputs for tests and docs, not logic)
    """Numbers shaped like a real default run's (two seeds), for calling the judge without training."""
    names = ("SGD", "momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam", "AdaMax", "Nadam", "AdamW")
    by = {n: {"epochs_to_target": [3, 4], "best_val_accuracy": [0.925, 0.921]} for n in names}
    by["SGD"] = {"epochs_to_target": [9, None], "best_val_accuracy": [0.899, 0.893]}
    by["AdaGrad"] = {"epochs_to_target": [None, None], "best_val_accuracy": [0.841, 0.826]}
    return {"epochs": 10, "target": 0.9, "by_optimizer": by}
