"""Every answer's "Prove it" paragraph states, word for word, the claims its experiment's judge decides.

An experiment `demo-foo-bar` (or `foo-bar`) is judged by `engine/judges/foo_bar.py`, which declares
`CLAIMS` (claim name -> the statement the answer makes), `judge(numbers) -> Verdict` and
`example_numbers()` (numbers shaped like a real run's, for calling the judge without training).
"""
from __future__ import annotations

import importlib
import importlib.util
import re
from types import ModuleType

import pytest

import content

# Every prove-it demo must have a judge. PENDING lists the ones whose judge has not been written yet:
# they are skipped while missing, and a test fails as soon as one of them gains a judge so that it
# leaves this list and is checked from then on.
JUDGED_DEMOS = ("demo-symmetry", "demo-bias-init", "demo-selu", "demo-activations", "demo-momentum",
                "demo-sparsity", "demo-dropout")
PENDING: frozenset[str] = frozenset()

_BULLET = re.compile(r"^\s*[-*]\s+(.*\S)\s*$")


def judge_module_name(experiment_id: str) -> str:
    """`demo-foo-bar` and `foo-bar` are both judged by `engine.judges.foo_bar`."""
    return "engine.judges." + experiment_id.removeprefix("demo-").replace("-", "_")


def judge_module(experiment_id: str) -> ModuleType | None:
    """The experiment's judge module, or None when it has none."""
    name = judge_module_name(experiment_id)
    return importlib.import_module(name) if importlib.util.find_spec(name) is not None else None


def prove_it_bullets(answer_md: str) -> list[str] | None:
    """The bullet lines of the answer's "**Prove it:**" paragraph, or None when it has none."""
    lines = answer_md.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("**Prove it:**")]
    if not starts:
        return None
    bullets: list[str] = []
    for line in lines[starts[-1] + 1:]:
        match = _BULLET.match(line)
        if match:
            bullets.append(match.group(1))
        elif bullets and line.strip():
            break  # the list has ended
    return bullets


def _judged_links() -> list[tuple[content.Question, str]]:
    found = []
    for q in content.load_questions():
        for exp_id in dict.fromkeys(link.id for link in q.experiments):
            if exp_id in JUDGED_DEMOS or judge_module(exp_id) is not None:
                found.append((q, exp_id))
    return found


def test_every_demo_has_a_judge_unless_still_pending():
    missing = [d for d in JUDGED_DEMOS if d not in PENDING and judge_module(d) is None]
    written = [d for d in sorted(PENDING) if judge_module(d) is not None]
    assert not missing, f"no judge module for {missing}: add {[judge_module_name(d) for d in missing]}"
    assert not written, f"{written} now have judges: remove them from PENDING in this file so they are checked"


def test_the_judge_name_convention():
    assert judge_module_name("demo-bias-init") == "engine.judges.bias_init"
    assert judge_module_name("lr-schedules") == "engine.judges.lr_schedules"


def test_prove_it_bullets_are_read_from_the_last_prove_it_paragraph():
    answer = "Text.\n\n- not this\n\n**Prove it:** run it. It checks that:\n\n- one thing\n- another\n\nAfter.\n"
    assert prove_it_bullets(answer) == ["one thing", "another"]
    assert prove_it_bullets("No paragraph.") is None


@pytest.mark.parametrize("question, exp_id", _judged_links(), ids=lambda v: getattr(v, "id", v))
def test_prove_it_lists_the_judges_claims_and_the_judge_decides_exactly_them(question, exp_id):
    module = judge_module(exp_id)
    if module is None:
        assert exp_id in PENDING, f"{exp_id} has no judge module {judge_module_name(exp_id)}"
        pytest.skip(f"{exp_id}: judge not written yet")
    claims: dict[str, str] = module.CLAIMS
    assert claims and all(isinstance(s, str) and s.strip() for s in claims.values()), module.__name__
    bullets = prove_it_bullets(question.answer_md)
    assert bullets is not None, f"{question.path.name}: no **Prove it:** paragraph"
    assert bullets == list(claims.values()), (
        f"{question.path.name}: the Prove it bullets must be {module.__name__}.CLAIMS' statements, in order")
    judged = module.judge(module.example_numbers())
    assert [c.name for c in judged.claims] == list(claims), f"{module.__name__}.judge decides other claims"
    assert all(c.text.strip() for c in judged.claims), f"{module.__name__}: a claim says nothing measured"
