"""The judges' helpers at their edges and the sentences of their rarer branches, pinned without TensorFlow.

Each test feeds numbers where a comparison sits exactly on its threshold, or where a branch the default-like
run never takes (a missing value, a single round, a run that did not recover) decides the sentence.
"""
from __future__ import annotations

import copy
import importlib
import math

import pytest

from engine.judges import (
    activations,
    bias_init,
    dropout,
    gradient_clipping,
    lr_schedules,
    momentum,
    regularization,
    selu,
    shared,
    sparsity,
    symmetry,
)
from engine.verdicts import Z95, Interval, mean_ci, paired_diff_ci

JUDGES = ("activations", "auxiliary_task", "bias_init", "dropout", "gradient_clipping", "lr_schedules", "momentum",
          "optimizers", "regularization", "selu", "sparsity", "symmetry")


def claim(verdict, name):
    return next(c for c in verdict.claims if c.name == name)


@pytest.mark.parametrize("name", JUDGES)
def test_every_verdict_keeps_the_numbers_it_was_judged_on(name):
    module = importlib.import_module(f"engine.judges.{name}")
    numbers = module.example_numbers()
    judged = module.judge(copy.deepcopy(numbers))
    assert judged.numbers == numbers and judged.to_json()["numbers"] == numbers


# ---- shared helpers -------------------------------------------------------------------------------------

def test_shared_mean_and_one_seed_difference():
    assert shared.mean([1.0, None, math.nan, 3.0]) == 2.0
    assert math.isnan(shared.mean([])) and math.isnan(shared.mean([None, math.inf]))
    assert shared.diff_text([0.91], [0.89], 100, 1, " points") == "+2.0 points (1 seed, no interval)"
    assert lr_schedules._mean([0.5, None, math.nan]) == 0.5 and math.isnan(lr_schedules._mean([]))


# ---- ratios of paired timings ---------------------------------------------------------------------------

@pytest.mark.parametrize("ratio", [activations.time_ratio, dropout.ratio])
def test_a_timing_ratio_drops_rounds_that_measured_nothing(ratio):
    assert ratio([2.0], [1.0]) == Interval(2.0, 0.0, math.inf, 1)  # one round: no interval, never 1 as its floor
    assert ratio([0.0, 4.0, 0.5], [1.0, 2.0, 0.25]) == ratio([4.0, 0.5], [2.0, 0.25])
    assert ratio([4.0, -1.0, 3.0], [2.0, 1.0, 0.0]) == ratio([4.0], [2.0])
    both = ratio([0.5, 0.5], [0.25, 0.25])  # times below one second count like any other
    assert both.n == 2 and both.value == pytest.approx(2.0)


def test_the_mc_ratio_is_over_n_times_one_sample():
    assert dropout.ratio([8.0, 8.0], [1.0, 1.0], 4).value == pytest.approx(2.0)
    assert dropout.ratio([0.5], [0.5], 1).value == pytest.approx(1.0)


# ---- paired correctness counts --------------------------------------------------------------------------

@pytest.mark.parametrize(("gap", "message"), [
    (lambda n, a, b: dropout.accuracy_gap({"n": n, "only_mc_right": a, "only_single_right": b}),
     "need 0 <= only_mc_right + only_single_right <= n"),
    (lambda n, a, b: sparsity.accuracy_gap({"n": n, "only_sparse_right": a, "only_control_right": b}),
     "need 0 <= only_sparse_right + only_control_right <= n"),
    (symmetry.accuracy_gap, "need 0 <= only_he_right + only_shared_right <= test_images")])
def test_paired_counts_are_checked_at_their_edges(gap, message):
    for bad in ((0, 0, 0), (5, -1, 0), (5, 0, -1), (5, 3, 3)):
        with pytest.raises(ValueError) as caught:
            gap(*bad)
        assert str(caught.value) == message
    assert gap(1, 1, 0) == Interval(1.0, -math.inf, math.inf, 1)  # one image: no interval yet
    assert gap(4, 3, 1).value == pytest.approx(0.5)  # every image disagreeing is allowed
    assert gap(4, 0, 2).value == pytest.approx(-0.5) and gap(4, 2, 0).value == pytest.approx(0.5)


def test_the_spread_gap_needs_two_images_on_each_side():
    one = dropout.spread_gap({"n": 1, "mean": 0.3, "sd": 0.1}, {"n": 50, "mean": 0.1, "sd": 0.1})
    assert one == Interval(pytest.approx(0.2), -math.inf, math.inf, 1)
    other = dropout.spread_gap({"n": 50, "mean": 0.3, "sd": 0.1}, {"n": 1, "mean": 0.1, "sd": 0.1})
    assert other.n == 1 and other.low == -math.inf
    two = dropout.spread_gap({"n": 2, "mean": 0.3, "sd": 0.0}, {"n": 2, "mean": 0.1, "sd": 0.0})
    assert two == Interval(pytest.approx(0.2), pytest.approx(0.2), pytest.approx(0.2), 2)
    wide = dropout.spread_gap({"n": 3, "mean": 0.3, "sd": 0.1}, {"n": 8, "mean": 0.1, "sd": 0.1})
    assert wide.n == 3 and wide.high - wide.low == pytest.approx(2 * Z95 * math.sqrt(0.01 / 3 + 0.01 / 8))


# ---- intervals from summary statistics ------------------------------------------------------------------

def test_summary_intervals_need_two_values_and_a_finite_spread():
    for make in (lambda mean, sd, n: symmetry.summary_interval(mean, sd, n),
                 lambda mean, sd, n: selu.summary_interval({"mean": mean, "sd": sd, "n": n})):
        assert make(0.5, 0.2, 1) == Interval(0.5, -math.inf, math.inf, 1)
        assert make(0.5, math.nan, 10) == Interval(0.5, -math.inf, math.inf, 10)
        two = make(0.5, 0.2, 2)  # t with one degree of freedom: 12.706
        assert two.n == 2 and two.high == pytest.approx(0.5 + 12.706 * 0.2 / math.sqrt(2), rel=1e-4)
        three = make(1.0, 0.3, 3)  # t with two degrees of freedom: 4.303
        assert three == Interval(1.0, pytest.approx(1.0 - 4.303 * 0.3 / math.sqrt(3), rel=1e-4),
                                 pytest.approx(1.0 + 4.303 * 0.3 / math.sqrt(3), rel=1e-4), 3)


def test_ratios_from_log_intervals_keep_their_count_and_bounds():
    assert symmetry.scale_ratios([{"mean": 0.0, "sd": 0.1, "n": 1}]) == [Interval(1.0, 0.0, math.inf, 1)]
    assert selu._exp(Interval(0.0, -math.inf, math.inf, 1)) == Interval(1.0, 0.0, math.inf, 1)
    moved = selu._exp(mean_ci([0.0, math.log(4.0)]))
    assert moved.n == 2 and moved.value == pytest.approx(2.0)


# ---- bias init ------------------------------------------------------------------------------------------

def bias_numbers(zero, random, margin=1.0):
    return {**bias_init.example_numbers(), "test_accuracy_zero": zero, "test_accuracy_random": random,
            "margin_points": margin}


def finding(zero, random, margin=1.0):
    text = claim(bias_init.judge(bias_numbers(zero, random, margin)), "equivalent").text
    return text.rsplit(": ", 1)[1]


def test_each_equivalence_finding_is_worded_for_its_case():
    assert finding([0.90, 0.91, 0.92], [0.90, 0.91, 0.92]) == "the interval lies inside it."
    assert finding([0.95, 0.96, 0.97], [0.90, 0.91, 0.92]) == "the interval lies beyond it, zero biases doing better."
    assert finding([0.90, 0.91, 0.92], [0.95, 0.96, 0.97]) == (
        "the interval lies beyond it, random biases doing better.")
    assert finding([0.90, 0.95], [0.90, 0.91]) == (
        "the interval is wider than the margin, so this run cannot show equivalence.")
    assert finding([0.918, 0.92, 0.922], [0.91, 0.91, 0.91]) == (  # 1.0 ± 0.5 points
        "the interval reaches past it, zero biases doing better.")
    assert finding([0.902, 0.9, 0.898], [0.91, 0.91, 0.91]) == (  # −1.0 ± 0.5 points: below +1, not below −1
        "the interval reaches past it, random biases doing better.")


def test_bias_sentence_scales_the_gap_to_points():
    text = claim(bias_init.judge(bias_numbers([0.9, 0.92, 0.94], [0.9, 0.91, 0.92], 5.0)), "equivalent").text
    assert "1.00 ± 2.48 points of test accuracy (95% CI, paired over 3 seeds" in text
    assert "zero 92.00 ± 4.97%, random 91.00 ± 2.48%); margin ±5 points:" in text


# ---- dropout --------------------------------------------------------------------------------------------

def dropout_numbers(**changes):
    numbers = dropout.example_numbers()
    numbers.update(changes)
    return numbers


def test_inference_within_its_margin_both_ways():
    rounds = {"with_layers": [0.6] * 3, "without_layers": [1.0] * 3}
    assert not claim(dropout.judge(dropout_numbers(inference_ms=rounds, inference_margin=0.2)), "free_inference").holds
    rounds = {"with_layers": [0.9] * 3, "without_layers": [1.0] * 3}
    assert claim(dropout.judge(dropout_numbers(inference_ms=rounds, inference_margin=0.2)), "free_inference").holds


def test_mc_not_worse_at_the_margins_edge():
    pair = {"n": 2000, "only_mc_right": 3, "only_single_right": 49}  # interval low at -3.0 points, just inside
    judged = dropout.judge(dropout_numbers(accuracy_pair=pair, mc_margin_points=3.0))
    assert claim(judged, "mc_not_worse").holds
    assert "-2.3 points [-3.0, -1.6] (95% CI, paired over 2000 test images; margin −3 points)" in claim(
        judged, "mc_not_worse").text
    low = dropout.accuracy_gap({"n": 1000, "only_mc_right": 0, "only_single_right": 1}).low
    on_edge = dropout.judge(dropout_numbers(accuracy_pair={"n": 1000, "only_mc_right": 0, "only_single_right": 1},
                                            mc_margin_points=-low * 100))
    assert not claim(on_edge, "mc_not_worse").holds  # an interval touching the margin is not inside it


# ---- sparsity -------------------------------------------------------------------------------------------

def sparsity_numbers(pairs, margin=3.0):
    numbers = sparsity.example_numbers()
    numbers.update(accuracy_pairs=pairs, margin_points=margin)
    return numbers


def test_accuracy_kept_at_the_margins_edge():
    just_inside = {"a": {"n": 2000, "only_sparse_right": 3, "only_control_right": 49}}
    assert claim(sparsity.judge(sparsity_numbers(just_inside)), "accuracy_kept").holds
    pair = {"n": 1000, "only_sparse_right": 0, "only_control_right": 1}
    low = sparsity.accuracy_gap(pair).low
    assert not claim(sparsity.judge(sparsity_numbers({"a": pair}, -low * 100)), "accuracy_kept").holds


def test_no_accuracy_pairs_keep_nothing_and_say_so():
    judged = claim(sparsity.judge(sparsity_numbers({})), "accuracy_kept")
    assert not judged.holds
    assert judged.text == ("Test accuracy, sparse minus its control, paired over 0 test images:  (95% CIs; the margin "
                           "is −3 points).")


# ---- symmetry -------------------------------------------------------------------------------------------

def symmetry_numbers(**changes):
    numbers = symmetry.example_numbers()
    numbers.update(changes)
    return numbers


def test_scale_is_off_below_half_and_not_between_half_and_twice():
    same = {"mean": 0.0, "sd": 0.01, "n": 1000}
    near_half = {"mean": math.log(0.6), "sd": 0.01, "n": 1000}  # 0.6 of He's: inside ÷2
    assert not claim(symmetry.judge(symmetry_numbers(preact_log_ratio=[same, near_half])), "scale_broken").holds


def test_the_control_arm_and_an_empty_layer_list_are_described():
    judged = symmetry.judge(symmetry_numbers(shared_value=None, preact_log_ratio=[]))
    assert claim(judged, "collapsed").text.startswith("From the control's own He draw the hidden layers held")
    assert claim(judged, "scale_broken").text == ("At initialization the first arm's pre-activation RMS was  (95% CI "
                                                  "over 0 images; off means beyond ×2 or ÷2).")
    one = symmetry.judge(symmetry_numbers(preact_log_ratio=[{"mean": 0.9, "sd": 0.3, "n": 7}]))
    assert "(95% CI over 7 images;" in claim(one, "scale_broken").text


# ---- selu -----------------------------------------------------------------------------------------------

def test_the_std_band_includes_its_low_end():
    assert selu.self_normalized([0.5, 0.0], [0.5, 0.8])  # the shallower half is left out
    assert not selu.self_normalized([0.0, 0.0], [0.8, 0.79])


def selu_numbers():
    numbers = copy.deepcopy(selu.example_numbers())
    for label, runs in numbers["at_start"].items():  # each seed and layer its own value: quoting the wrong one shows
        runs = numbers["at_start"][label] = [copy.deepcopy(run) for run in runs]  # seeds may share one record
        for seed, run in enumerate(runs):
            run["mean"] = [m + 0.001 * i + 0.01 * seed for i, m in enumerate(run["mean"])]
            run["std"] = [s + 0.001 * i + 0.01 * seed for i, s in enumerate(run["std"])]
    for run in numbers["after_training"].values():
        run["mean"] = [m + 0.001 * i for i, m in enumerate(run["mean"])]
        run["std"] = [s + 0.001 * i for i, s in enumerate(run["std"])]
    return numbers


def test_selu_sentences_quote_the_last_layer_of_the_first_seed():
    numbers = selu_numbers()
    label = numbers["labels"]
    first = numbers["at_start"][label["selu"]][0]
    judged = selu.judge(numbers)
    assert (f"(last layer, first seed: mean {first['mean'][-1]:+.3f}, std {first['std'][-1]:.3f})."
            in claim(judged, "selu_fixed_point").text)
    drop, alpha = numbers["at_start"][label["dropout"]][0], numbers["at_start"][label["alpha"]][0]
    assert claim(judged, "dropout").text.endswith(
        f"(last layer std, first seed: {drop['std'][-1]:.3f} and {alpha['std'][-1]:.3f}).")
    after = numbers["after_training"][label["selu"]]
    assert claim(judged, "after_training").text.endswith(
        f"SELU's last layer then had mean {after['mean'][-1]:+.3f} and std {after['std'][-1]:.3f}.")
    assert len({first["std"][-1], first["std"][-2], first["std"][1]}) == 3  # the three indices differ
    second = numbers["at_start"][label["dropout"]][1]
    assert f"{second['std'][-1]:.3f}" != f"{drop['std'][-1]:.3f}"  # and so do the seeds


def test_selu_untrained_and_touching_intervals():
    numbers = selu_numbers()
    numbers["after_training"] = {}
    assert claim(selu.judge(numbers), "after_training").text == "SELU was not trained in this run."
    numbers = selu_numbers()
    label = numbers["labels"]
    drift = numbers["drift_after_training"]
    drift[label["selu"]] = {"mean": 0.1, "sd": 0.0, "n": 5}
    for key in ("relu", "elu"):
        drift[label[key]] = {"mean": 0.1, "sd": 0.0, "n": 5}  # the same point: not less
    assert not claim(selu.judge(numbers), "after_training").holds
    assert selu._factor([math.inf, math.nan]) == "∞"


# ---- gradient clipping ----------------------------------------------------------------------------------

def test_bottom_over_top_leaves_the_output_layer_out():
    assert gradient_clipping.bottom_top_ratio([6.0, 3.0, 2.0, 9.0]) == 3.0
    assert gradient_clipping.bottom_top_ratio([6.0, 2.0, 9.0]) == 3.0  # two hidden layers are enough
    assert gradient_clipping.bottom_top_ratio([5.0, 1.0]) is None  # one hidden layer: no bottom and top
    assert gradient_clipping.bottom_top_ratio([6.0, 0.0, 2.0, 9.0]) == 3.0  # only the top must be non-zero
    assert gradient_clipping.bottom_top_ratio([6.0, 2.0, 0.0, 9.0]) is None
    assert gradient_clipping.bottom_top_ratio([None, 2.0, 1.0]) is None


def clipping_numbers():
    return copy.deepcopy(gradient_clipping.example_numbers())


def test_vanishing_at_exactly_a_tenth_counts_for_elu():
    numbers = clipping_numbers()
    numbers["runs"]["ELU + He · none"]["gradient_norms"] = [[0.1, 1.0, 5.0]]  # ELU's ratio exactly 0.1
    assert claim(gradient_clipping.judge(numbers), "sigmoid_vanishes").holds
    numbers["runs"]["ELU + He · none"]["gradient_norms"] = [[0.5, 9.0]]  # no ratio to speak of
    judged = claim(gradient_clipping.judge(numbers), "sigmoid_vanishes")
    assert not judged.holds and "0.0001 with sigmoid and normal(0, 1), n/a with ELU and He" in judged.text


def test_recovery_and_each_story_ending():
    numbers = clipping_numbers()
    by_value = numbers["runs"][f"{gradient_clipping.EXPLODING} · clipvalue"]
    by_value.update(losses=[2.0, 30.0, gradient_clipping.BLOW_UP], nan=False)
    judged = claim(gradient_clipping.judge(numbers), "clipvalue_stops_nan")
    assert judged.holds  # ending exactly on the line is not above it
    assert judged.text == ("With clipvalue: largest epoch loss 30, last 23 (past the blow-up line 23); no NaN, and "
                           "it ended below the line.")
    by_value.update(losses=[2.0, 1.0, 5.0], nan=True)
    judged = claim(gradient_clipping.judge(numbers), "clipvalue_stops_nan")
    assert not judged.holds
    assert judged.text == ("With clipvalue: largest epoch loss 5, then NaN (past the blow-up line 23); it did not "
                           "recover.")
    by_value.update(losses=[2.0, 1.5, None], nan=False)
    judged = claim(gradient_clipping.judge(numbers), "clipvalue_stops_nan")
    assert judged.text == ("With clipvalue: largest epoch loss 2, last not finite (past the blow-up line 23); it did "
                           "not recover.")


# ---- learning-rate schedules ----------------------------------------------------------------------------

def test_a_range_test_without_a_finite_loss_finds_nothing():
    assert lr_schedules.turning_point([0.1, 0.2], [None, math.nan]) == {
        "turn_rate": None, "suggested_rate": None, "fell": False, "rose": False, "min_loss": None}
    numbers = lr_schedules.example_numbers()
    numbers["range_test"] = lr_schedules.turning_point([0.1, 0.2], [None, None])
    judged = claim(lr_schedules.judge(numbers), "range_test_turns_up")
    assert not judged.holds and judged.text == "Range test: no finite loss at all."


def test_the_start_is_the_first_twentieth_of_the_steps_and_the_rise_is_after_the_minimum():
    rates = [0.001 * 1.2 ** i for i in range(40)]
    losses = [2.0, 1.0] + [0.5] * 37 + [None]  # blows up at the very end
    found = lr_schedules.turning_point(rates, losses)
    assert found["start_loss"] == 1.5  # the mean of the first two of 40 steps
    assert found["rose"] and found["fell"]
    assert lr_schedules.turning_point(rates[:2], [2.0, None])["start_loss"] == 2.0
    with_gap = [2.0, None] + [0.5] * 38
    assert lr_schedules.turning_point(rates, with_gap)["start_loss"] == 2.0  # a missing loss is left out


def test_a_steep_fall_before_the_minimum_is_no_rise():
    rates = [0.01 * i for i in range(1, 8)]
    found = lr_schedules.turning_point(rates, [10.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0])
    assert found["fell"] and not found["rose"]


def test_the_rise_is_measured_against_the_minimum_as_a_multiple():
    rates = [0.01 * i for i in range(1, 6)]
    found = lr_schedules.turning_point(rates, [0.5, 0.5, 0.5, 0.5, 2.0])
    assert found["min_loss"] == pytest.approx(0.5) and found["rose"]  # 2.0 smoothed is past 1.5 × 0.5


def test_range_test_sentences_when_it_never_rose():
    numbers = lr_schedules.example_numbers()
    numbers["range_test"] = {**numbers["range_test"], "rose": False}
    judged = claim(lr_schedules.judge(numbers), "range_test_turns_up")
    found = numbers["range_test"]
    assert not judged.holds and judged.text == (
        f"Range test: lowest smoothed loss {found['min_loss']:.3f} (from {found['start_loss']:.3f}) at rate "
        f"{found['turn_rate']:.3g}, and it never rose much after.")


def test_the_first_schedule_to_the_target_counts_never_as_one_past_the_budget():
    numbers = lr_schedules.example_numbers()
    for record in numbers["by_schedule"].values():
        record["epochs_to_target"] = [None] * len(record["epochs_to_target"])
        record["best_val_accuracy"] = [0.80] * len(record["best_val_accuracy"])
    numbers["by_schedule"]["piecewise"]["best_val_accuracy"] = [0.85] * len(
        numbers["by_schedule"]["piecewise"]["best_val_accuracy"])
    text = claim(lr_schedules.judge(numbers), "onecycle_beats_constant").text
    budget = numbers["epochs"]
    assert (f"First to {numbers['target']:.0%} validation accuracy: piecewise, at {budget + 1:.1f} epochs on average "
            f"(never = {budget + 1}), 0.0 epochs before the constant rate.") in text  # a tie goes to the more accurate


# ---- momentum -------------------------------------------------------------------------------------------

def test_momentum_counting_helpers_at_their_edges():
    assert momentum.converged_at([0.5, 0.1], 1.0) == 0 and momentum.converged_at([], 1.0) is None
    assert momentum.epochs_to_reach([3.0, 1.0], 1.0) == 2 and momentum.epochs_to_reach([0.5], 1.0) == 1
    assert momentum.rises([3.0, 4.0, 2.0, 5.0]) == 2 and momentum.rises([1.0, 1.0]) == 0
    assert momentum.rises([1.0, 2.0, 3.0, 4.0]) == 3


def test_an_outcome_at_each_threshold():
    target, chance = 0.0, 10.0
    assert momentum.outcome([5.0, 4.0, 5.0, 3.0, 2.0, 1.0], False, target, chance) == "swinging"  # 1 rise in 6
    assert momentum.outcome([8.0, 7.0, 8.0, 6.0, 5.0, 4.0, 3.0, 2.0], False, target, chance) == "still falling"
    assert momentum.outcome([9.5, 9.5, 8.0, 9.5, 9.5, 9.5], False, target, chance) == "stuck near chance"  # early dip
    assert momentum.outcome([9.5, 9.0, 9.0, 9.0], False, target, chance) == "stuck near chance"  # 9.0 is 0.9×


def momentum_numbers(usual_overshoots, high_overshoots):
    numbers = copy.deepcopy(momentum.example_numbers())
    numbers["by_momentum"][numbers["usual"]]["overshoots"] = usual_overshoots
    numbers["by_momentum"][numbers["high"]]["overshoots"] = high_overshoots
    return numbers


def test_overshooting_twice_as_often_at_the_edges():
    assert claim(momentum.judge(momentum_numbers([0, 0], [2, 2])), "overshoots").holds  # exactly twice one crossing
    usual = mean_ci([0, 2])
    touching = momentum.judge(momentum_numbers([0, 2], [usual.high, usual.high]))
    assert not claim(touching, "overshoots").holds  # the intervals touch: not more


def test_momentum_sentences_for_every_start_settled_and_blown_up_ends():
    numbers = copy.deepcopy(momentum.example_numbers())
    usual = numbers["by_momentum"][numbers["usual"]]
    usual["steps_to_converge"] = [40] * len(usual["steps_to_converge"])
    high = numbers["by_momentum"][numbers["high"]]
    high["end_amplitude_share"] = [math.inf] + [0.9] * (len(high["end_amplitude_share"]) - 1)
    judged = momentum.judge(numbers)
    n = len(usual["steps_to_converge"])
    assert claim(judged, "usual_converges").text.endswith("of the minimum, after 40 ± 0 steps.")
    assert f"swings still reached infinite for 1 of {n} starts (blown up)" in claim(judged, "undamped").text


# ---- regularization -------------------------------------------------------------------------------------

def regularization_numbers():
    return copy.deepcopy(regularization.example_numbers())


def test_overfitting_counts_a_gap_of_exactly_five_points():
    numbers = regularization_numbers()
    plain = numbers["by_variant"]["none"]
    plain["train_accuracy"] = [1.0] * len(plain["train_accuracy"])
    plain["val_accuracy"] = [0.9375 + 0.0125] * len(plain["val_accuracy"])  # 1 − 0.95: 0.05 to the last bit
    assert 1.0 - plain["val_accuracy"][0] >= regularization.LAGS
    assert claim(regularization.judge(numbers), "none_overfits").holds


def test_the_near_zero_threshold_is_the_runs_own_or_a_thousandth():
    numbers = regularization_numbers()
    numbers["near_zero_threshold"] = 0.01
    assert claim(regularization.judge(numbers), "l1_sparsifies").text.startswith(
        "Share of weights below 0.01 in magnitude:")
    del numbers["near_zero_threshold"]
    assert claim(regularization.judge(numbers), "l1_sparsifies").text.startswith(
        "Share of weights below 0.001 in magnitude:")


def test_the_accuracy_gap_narrowing_is_in_points():
    numbers = regularization_numbers()
    plain, l2 = numbers["by_variant"]["none"], numbers["by_variant"]["ℓ2"]
    plain["train_accuracy"], plain["val_accuracy"] = [1.0, 1.0], [0.80, 0.80]
    l2["train_accuracy"], l2["val_accuracy"] = [0.95, 0.95], [0.85, 0.85]
    text = claim(regularization.judge(numbers), "penalties_and_dropout_narrow_gap").text
    assert "ℓ2 narrowed the loss gap by 0.458 ± 0.515 (95% CI, 2 seeds) (accuracy gap by 10.0 ± 0.0 points (95% CI, " \
           "2 seeds)) at a validation-accuracy cost of -5.0 ± 0.0 points (95% CI, 2 seeds);" in text


# ---- exactly on a threshold -----------------------------------------------------------------------------

def test_an_interval_exactly_as_wide_as_the_margin_is_not_wider_than_it():
    gap = paired_diff_ci([0.93, 0.91], [0.91, 0.91])  # 1.0 ± 12.7 points
    assert finding([0.93, 0.91], [0.91, 0.91], gap.half_width * 100) == (
        "the interval reaches past it, zero biases doing better.")


def test_falling_means_strictly_below_nine_tenths_of_the_start():
    losses = [1.0, 0.8099999999999999]  # the smoothed second step is exactly 0.9: not below
    found = lr_schedules.turning_point([0.1, 0.2], losses)
    assert found["min_loss"] == 0.9 * found["start_loss"] and not found["fell"]
    assert lr_schedules.turning_point([0.1, 0.2], [1.0, 0.8])["fell"]


def test_rising_means_strictly_past_one_and_a_half_times_the_minimum():
    losses = [1.0, 0.5, 1.7352631578947362]  # the smoothed third step is exactly 1.5 × the second's
    smoothed = lr_schedules.smooth(losses)
    assert smoothed[2] == 1.5 * smoothed[1]
    assert not lr_schedules.turning_point([0.1, 0.2, 0.3], losses)["rose"]
    assert lr_schedules.turning_point([0.1, 0.2, 0.3], [1.0, 0.5, 1.8])["rose"]


def test_only_what_comes_after_the_minimum_can_rise():
    found = lr_schedules.turning_point([0.1, 0.2, 0.3, 0.4, 0.5], [10.0, 10.0, 0.1, 10.0, 10.0])
    assert found["turn_rate"] == 0.3 and found["fell"] and not found["rose"]  # 10 before the minimum is no rise


def test_a_short_range_test_starts_from_its_first_loss():
    assert lr_schedules.turning_point([0.1, 0.2, 0.3], [2.0, 1.0, 3.0])["start_loss"] == 2.0


def test_the_mc_accuracy_gap_is_printed_in_points():
    judged = dropout.judge(dropout_numbers(accuracy_pair={"n": 100, "only_mc_right": 0, "only_single_right": 20}))
    assert "-20.0 points [-27.9, -12.1] (95% CI, paired over 100 test images;" in claim(judged, "mc_not_worse").text


def test_steps_to_settle_say_how_many_starts_never_did():
    numbers = copy.deepcopy(momentum.example_numbers())
    usual = numbers["by_momentum"][numbers["usual"]]
    usual["steps_to_converge"] = [40, 40, None]
    assert claim(momentum.judge(numbers), "usual_converges").text.endswith(
        "after 40 ± 0 steps for 2 of 3 starts (the rest never).")
