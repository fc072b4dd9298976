"""Judge of exercise 10: the twin learns "same digit?", and its reused lower layers beat training from scratch."""
from __future__ import annotations

from typing import Any

from engine import verdicts
from engine.judges.shared import diff_text, every_seed_less

CLAIMS: dict[str, str] = {
    "twin_learns_pairs": "the twin network learns to tell whether two images show the same digit, far above chance",
    "frozen_beats_scratch": "the pretrained lower layers, frozen under a new softmax, beat the same network trained "
                            "from scratch on the small labelled set",
    "fine_tuning_no_worse": "fine-tuning the reused layers afterwards keeps at least the frozen accuracy",
}
PAIR_SKILL = 0.8  # chance is 50% on balanced pairs; the lower end of the 95% interval must clear this
BOOK = {"pairs": "97.6%", "frozen": "96.5%", "scratch": "94.6%"}  # ageron/handson-ml, 11_deep_learning.ipynb


def judge(numbers: dict[str, Any]) -> verdicts.Verdict:
    """Decide the claims from the pair accuracy on held-out pairs and per-seed test accuracies.

    `numbers`: {"pair_accuracy": share, "pair_test_pairs": n, "test_accuracy": {"frozen": [...], "fine-tuned": [...],
    "scratch": [...]}} with one test accuracy per seed, seeds paired across variants.
    """
    n = int(numbers["pair_test_pairs"])
    pairs = verdicts.proportion_ci(round(numbers["pair_accuracy"] * n), n)
    acc = numbers["test_accuracy"]
    frozen, tuned, scratch = acc["frozen"], acc["fine-tuned"], acc["scratch"]
    claims = [
        verdicts.Claim("twin_learns_pairs", pairs.above(PAIR_SKILL),
                       f"Pair accuracy on {n} new balanced pairs: {verdicts.fmt(pairs, 100, 1, '%')} (95% interval; "
                       f"chance is 50%, the book reached {BOOK['pairs']})."),
        verdicts.Claim("frozen_beats_scratch", every_seed_less(scratch, frozen),
                       f"Test accuracy, frozen pretrained layers against scratch: "
                       f"{diff_text(frozen, scratch, 100, 2, ' points')} (book: {BOOK['frozen']} against "
                       f"{BOOK['scratch']})."),
        verdicts.Claim("fine_tuning_no_worse", all(t >= f for t, f in zip(tuned, frozen)) and bool(tuned),
                       f"Fine-tuned against frozen: {diff_text(tuned, frozen, 100, 2, ' points')}."),
    ]
    return verdicts.verdict(claims, numbers)


def example_numbers() -> dict[str, Any]:  # pragma: no mutate block (sample inputs for tests and docs, not logic)
    """Numbers shaped like a real default run's (two seeds), for calling the judge without training."""
    return {"pair_accuracy": 0.93, "pair_test_pairs": 2000, "per_class": 500, "seeds": [42, 43],
            "test_accuracy": {"frozen": [0.95, 0.951], "fine-tuned": [0.955, 0.957], "scratch": [0.94, 0.942]}}
