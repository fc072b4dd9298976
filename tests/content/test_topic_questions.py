"""The questions on the chapter's topics: each links its experiment and lists that experiment's claims verbatim."""
from __future__ import annotations

import importlib

import pytest

TOPICS = {10: "optimizers"}


def _question(questions, number):
    return next(q for q in questions if q.number == number)


@pytest.mark.parametrize("number, exp_id", sorted(TOPICS.items()))
def test_each_topic_question_links_its_experiment(questions, number, exp_id):
    from engine.registry import get_experiment

    q = _question(questions, number)
    assert exp_id in [link.id for link in q.experiments]
    assert get_experiment(exp_id).question == number
    assert f"ch11-tutor run {exp_id}" in q.answer_md


@pytest.mark.parametrize("number, exp_id", sorted(TOPICS.items()))
def test_prove_it_lists_every_claim_of_the_judge_verbatim(questions, number, exp_id):
    claims = importlib.import_module(f"engine.judges.{exp_id.replace('-', '_')}").CLAIMS
    answer = _question(questions, number).answer_md
    prove_it = answer[answer.index("**Prove it:**"):]
    bullets = [line[2:].strip() for line in prove_it.splitlines() if line.startswith("- ")]
    assert bullets == list(claims.values())
