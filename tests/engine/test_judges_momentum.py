"""The judge of question 5 and its counting helpers, on numbers where the answer is known (no TensorFlow)."""
from __future__ import annotations

import copy
import math

from engine.judges import momentum
from engine.judges.momentum import CLAIMS, converged_at, crossings, judge, outcome


def numbers():
    return copy.deepcopy(momentum.example_numbers())


def claims(judged):
    return {c.name: c.holds for c in judged.claims}


def test_settling_is_staying_within_the_tolerance_for_good():
    assert converged_at([1.0, 0.5, 0.001, 0.0005], 1e-3) == 2
    assert converged_at([1.0, 0.0005, 0.5, 0.0005], 1e-3) == 3  # passing through the minimum is not settling
    assert converged_at([1.0, 0.5], 1e-3) is None
    assert converged_at([1.0, 0.0001, math.nan], 1e-3) is None  # blown up at the end


def test_crossings_count_sign_changes_until_settled():
    assert crossings([1.0, -0.5, 0.2, -0.1, 0.05]) == 4
    assert crossings([1.0, -0.5, 0.2, -0.1, 0.05], until=2) == 2
    assert crossings([1.0, 0.0, 0.5]) == 0  # touching 0 is not crossing it
    assert crossings([1.0, 0.5, 0.25]) == 0


def test_a_default_like_run_holds_every_claim_in_order():
    judged = judge(numbers())
    assert [c.name for c in judged.claims] == list(CLAIMS) and judged.holds


def test_the_same_momentum_in_both_places_holds_nothing_but_convergence():
    same = numbers()
    same["high"] = "0.9"
    assert claims(judge(same)) == {"usual_converges": True, "overshoots": False, "undamped": False, "slower": False}


def test_one_start_of_the_usual_momentum_not_settling_fails_the_first_claim():
    n = numbers()
    n["by_momentum"]["0.9"]["steps_to_converge"][2] = None
    assert not claims(judge(n))["usual_converges"] and not claims(judge(n))["slower"]


def test_a_blow_up_is_not_a_slow_swing():
    n = numbers()
    n["by_momentum"]["0.99999"]["end_amplitude_share"][0] = math.inf
    judged = judge(n)
    assert not claims(judged)["undamped"] and "blown up" in judged.claims[2].text
    n["by_momentum"]["0.99999"]["end_amplitude_share"] = [2.5] * 5  # growing swings: past the band
    assert not claims(judge(n))["undamped"]


def test_settled_swings_are_not_undamped_and_the_band_edges_count():
    n = numbers()
    n["by_momentum"]["0.99999"]["end_amplitude_share"] = [0.49] * 5
    assert not claims(judge(n))["undamped"]
    n["by_momentum"]["0.99999"]["end_amplitude_share"] = [0.5, 2.0, 1.0, 1.0, 1.0]
    assert claims(judge(n))["undamped"]


def test_more_overshoots_means_at_least_twice_as_many_and_resolved():
    n = numbers()
    n["by_momentum"]["0.99999"]["overshoots"] = [27, 27, 27, 27, 27]  # below twice 0.9's 13.6
    assert not claims(judge(n))["overshoots"]
    n["by_momentum"]["0.99999"]["overshoots"] = [28, 28, 28, 28, 28]
    assert claims(judge(n))["overshoots"]
    n["by_momentum"]["0.99999"]["overshoots"] = [1, 80, 2, 90, 3]  # large but too spread to separate
    assert not claims(judge(n))["overshoots"]


def test_slower_needs_more_than_ten_times_the_steps():
    n = numbers()
    n["by_momentum"]["0.99999"]["steps_to_converge"] = [1400, 1350, 1500, 1380, 1310]  # exactly 10× each
    assert not claims(judge(n))["slower"]
    n["by_momentum"]["0.99999"]["steps_to_converge"] = [1401, 1351, 1501, 1381, 1311]
    assert claims(judge(n))["slower"]


def test_a_network_run_is_named_by_what_its_losses_did():
    chance = math.log(10)
    assert outcome([2.0, 0.5, 0.2], False, 0.3, chance) == "reached the target"
    assert outcome([2.0, math.nan], True, 0.3, chance) == "blew up"
    assert outcome([2.31, 2.30, 2.305, 2.302], False, 0.3, chance) == "stuck near chance"  # a collapse
    assert outcome([2.0, 1.0, 1.8, 0.9, 1.9, 1.0], False, 0.3, chance) == "swinging"
    assert outcome([2.0, 1.5, 1.2, 1.0], False, 0.3, chance) == "still falling"
