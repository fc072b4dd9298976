"""The questions on the chapter's topics each link the experiment registered for them (test_prove_it checks the claims)."""
from __future__ import annotations

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
