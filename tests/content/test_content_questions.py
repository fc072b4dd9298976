"""The bundled question files: all load in chapter order, every field is filled in, links resolve."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

import content

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]

# The prove-it demos of questions 1-7.
DEMOS = {
    1: "demo-symmetry",
    2: "demo-bias-init",
    3: "demo-selu",
    4: "demo-activations",
    5: "demo-momentum",
    6: "demo-sparsity",
    7: "demo-dropout",
}


HANDS_ON = (8, 9, 14)  # the exercises that ask the learner to build and train something


def numbered(questions: list, number: int):
    """The question with this number (the list is in chapter order, not by number)."""
    return next(q for q in questions if q.number == number)


def test_all_questions_load_grouped_by_section_in_chapter_order(questions):
    assert sorted(q.number for q in questions) == list(range(1, len(questions) + 1))
    assert len({q.id for q in questions}) == len(questions) >= 14
    order = [content.SECTIONS.index(q.section) for q in questions]
    assert order == sorted(order), "questions must come section by section"
    for earlier, later in zip(questions, questions[1:]):
        if earlier.section == later.section:
            assert earlier.number < later.number
    for q in questions:
        assert q.path.name.startswith(f"q{q.number:02d}-")
        assert q.id.startswith(f"q{q.number}-")


def test_every_field_is_filled_in(questions):
    for q in questions:
        where = q.path.name
        assert q.title.strip(), where
        assert q.kind == ("hands-on" if q.number in HANDS_ON else "concept"), where
        assert q.question_md.strip() and q.answer_md.strip(), where
        assert q.experiments, f"{where}: links no experiment"
        assert q.references, f"{where}: names no reference"
        assert all(isinstance(r, str) and r.strip() for r in q.references), where


def test_hints_and_key_points(questions):
    for q in questions:
        where = q.path.name
        assert len(q.hints) >= 2, f"{where}: needs at least two hints"
        assert all(h.strip() for h in q.hints), where
        assert len(set(q.hints)) == len(q.hints), f"{where}: repeated hint"
        assert 3 <= len(q.key_points) <= 6, f"{where}: needs 3-6 key points"
        for point in q.key_points:
            assert point.strip(), where
            assert len(point) <= 80, f"{where}: key point too long to tick off: {point!r}"


def test_every_experiment_link_resolves(questions):
    from engine import registry

    known = set(registry.experiment_ids())
    problems = []
    for q in questions:
        for link in q.experiments:
            if link.id not in known:
                problems.append(f"{q.path.name}: '{link}' - no experiment with id '{link.id}'")
                continue
            presets = registry.get_experiment(link.id).presets
            if link.preset is not None and link.preset not in presets:
                problems.append(f"{q.path.name}: '{link}' - experiment '{link.id}' has no preset "
                                f"'{link.preset}' (its presets: {', '.join(presets)})")
    assert not problems, "Missing experiment links:\n" + "\n".join(problems)


def test_every_demo_is_registered_for_its_question():
    from engine import registry

    for number, demo in DEMOS.items():
        assert registry.get_experiment(demo).question == number


def test_linked_experiments_belong_to_their_question(questions):
    from engine import registry

    links = [(q, link) for q in questions for link in q.experiments]
    assert links
    wrong = [f"{q.path.name}: '{link.id}' is registered for question {registry.get_experiment(link.id).question}"
             for q, link in links if registry.get_experiment(link.id).question != q.number]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("number, demo", sorted(DEMOS.items()))
def test_concept_answers_end_with_their_demo(questions, number, demo):
    q = numbered(questions, number)
    assert [str(link) for link in q.experiments] == [demo]
    lines = [line for line in q.answer_md.strip().splitlines() if line.strip()]
    # the answer ends with its Prove it paragraph, optionally followed by the bullets of what the demo checks
    while lines and re.match(r"^\s*[-*]\s", lines[-1]):
        lines.pop()
    last_line = lines[-1]
    assert last_line.startswith("**Prove it:**"), q.path.name
    assert f"`{demo}`" in last_line and f"ch11-tutor run {demo}" in last_line, q.path.name


def test_hands_on_questions_link_every_variant(questions):
    q8 = {str(link) for link in numbered(questions, 8).experiments}
    assert {"base:plain", "base:batchnorm", "base:dropout"} <= q8
    assert {"tune:seed-space", "tune:wide"} <= q8
    q9 = {str(link) for link in numbered(questions, 9).experiments}
    assert q9 == {f"transfer:{p}" for p in ("frozen-5", "cached-5", "frozen-4", "cached-4",
                                              "unfreeze-2", "unfreeze-all", "scratch", "suite")}


# Facts the answers must keep: each phrase (a regular expression, case-insensitive) must appear.
REQUIRED = {
    1: [r"symmetry", r"same gradient", r"independent|separately"],
    2: [r"zeros?", r"symmetry"],
    3: [r"negative", r"die|dead", r"self-normaliz", r"standardized", r"lecun normal",
        r"sequential", r"dropout", r"ELU with α = 1"],
    4: [r"\*\*SELU\*\*", r"\*\*Leaky ReLU", r"\*\*ReLU\*\*", r"\*\*tanh\*\*", r"logistic",
        r"\*\*Softmax\*\*", r"latency", r"multilabel", r"mutually exclusive"],
    5: [r"overshoot", r"oscillat", r"1 / \(1 − β\)"],
    6: [r"threshold", r"ℓ1", r"FTRL", r"Model Optimization Toolkit"],
    7: [r"twice|2×", r"no\.", r"inverted", r"N times slower"],
    8: [r"early ?stopping", r"restore_best_weights", r"Batch Normalization", r"overfit",
        r"97\.26%", r"99\.42%", r"ageron/handson-ml", r"seeds"],
    9: [r"np\.nonzero", r"y - 5", r"binary_crossentropy", r"sparse_categorical_crossentropy",
        r"overhead", r"arithmetic", r"64\.02%", r"84\.82%", r"ageron/handson-ml", r"seeds"],
}


@pytest.mark.parametrize("number", sorted(REQUIRED))
def test_answers_keep_their_key_facts(questions, number):
    q = numbered(questions, number)
    missing = [p for p in REQUIRED[number] if not re.search(p, q.answer_md, re.IGNORECASE)]
    assert not missing, f"{q.path.name}: answer no longer mentions {missing}"


def test_hands_on_answers_have_their_sections(questions):
    for q in (numbered(questions, 8), numbered(questions, 9)):
        assert "### What to watch for" in q.answer_md, q.path.name
        assert "### The book's figures" in q.answer_md, q.path.name
    assert "### Why it goes wrong" in numbered(questions, 9).answer_md


def test_text_speaks_only_of_the_project(questions):
    for q in questions:
        text = "\n".join([q.question_md, q.answer_md, *q.hints, *q.key_points])
        for word in ("write-up", "TODO", "issue #", "lorem"):
            assert word.lower() not in text.lower(), f"{q.path.name}: mentions {word!r}"


def test_question_files_ship_as_package_data():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package_data = pyproject["tool"]["setuptools"]["package-data"]
    assert "questions/*.md" in package_data.get("content", [])
