"""What each judge tells the learner on a default-like run: the exact sentence of every claim (no TensorFlow).

Each judge's example numbers stand for a default run; the sentence is what the Lab and the run view show,
so a change in what is measured, its interval or its wording fails here first.
"""
from __future__ import annotations

import importlib

import pytest

SENTENCES = {
    "activations": [
        ('relu_dies', True,
         'ReLU units passing a gradient below 0.001 for all 3000 training images: 12.0% [9.4%, 15.1%] of '
         '500 after 5 epoch(s) at learning rate 0.01, against 0.6% [0.2%, 1.7%] at 0.0001; difference '
         '+11.4 points [+8.6, +14.6] (95% CIs).'),
        ('others_survive', True,
         'At the same rate: leaky ReLU 0.0% [0.0%, 0.8%], ELU 0.4% [0.1%, 1.4%], SELU 0.2% [0.0%, 1.1%]; '
         "ReLU's share minus theirs: leaky ReLU +12.0 points [+9.3, +15.1], ELU +11.6 points [+8.8, "
         '+14.8], SELU +11.8 points [+9.1, +14.9] (95% CIs).'),
        ('exponential_costs', True,
         'Applied alone to 262,144 values, paired over 20 rounds: ELU took 3.29× [3.28, 3.30] leaky '
         "ReLU's time, SELU took 3.24× [3.23, 3.25] leaky ReLU's time, and leaky ReLU 0.83× [0.83, 0.83] "
         "ReLU's (95% CIs; geometric means)."),
    ],
    "auxiliary_task": [
        ('twin_learns_pairs', True,
         'Pair accuracy on 2000 new balanced pairs: 93.0 ± 1.1% (95% interval; chance is 50%, the book '
         'reached 97.6%).'),
        ('frozen_beats_scratch', True,
         'Test accuracy, frozen pretrained layers against scratch: 0.95 ± 0.64 points (95% CI, 2 seeds) '
         '(book: 96.5% against 94.6%).'),
        ('fine_tuning_no_worse', True,
         'Fine-tuned against frozen: 0.55 ± 0.64 points (95% CI, 2 seeds).'),
    ],
    "bias_init": [
        ('equivalent', True,
         "Zero minus random biases (std 1× the weights' per layer): 0.04 ± 0.13 points of test accuracy "
         '(95% CI, paired over 8 seeds on the same 10000 test images; zero 95.00 ± 0.17%, random 94.96 ± '
         '0.09%); margin ±0.5 points: the interval lies inside it.'),
    ],
    "dropout": [
        ('slower_training', True,
         'Seconds to the best validation loss, dropout 0.3 minus none: +8.97 [+7.45, +10.48] s (95% CI, '
         'paired over 3 seed(s)); epochs to it 11.0 ± 2.5 against 5.3 ± 1.4, seconds per epoch 0.917 ± '
         '0.038 against 0.210 ± 0.025.'),
        ('free_inference', True,
         'One prediction pass with the dropout layers took 1.00× [0.97, 1.03] the time without them (95% '
         'CI, 6 paired rounds; margin ±10%); their outputs differed by at most 0.0e+00.'),
        ('mc_n_times', True,
         "MC Dropout's time over N × one sample's: N = 10: 0.97× [0.94, 1.00], N = 100: 0.96× [0.94, "
         '0.97] (95% CIs, 5 rounds for every N).'),
        ('mc_not_worse', True,
         'MC accuracy 93.5% against 93.1% for one pass: +0.4 points [-0.3, +1.1] (95% CI, paired over '
         '2000 test images; margin −1 points).'),
        ('mc_uncertainty', True,
         "Std of the chosen class's probability across 100 samples: 0.210 on 130 wrong images, 0.040 on "
         '1870 right ones; difference +0.170 [+0.156, +0.184] (95% CI).'),
    ],
    "gradient_clipping": [
        ('sigmoid_vanishes', True,
         'Bottom / top hidden-layer gradient norm at the start: 0.0001 with sigmoid and normal(0, 1), 0.8 '
         'with ELU and He (vanishing below 0.1).'),
        ('unclipped_diverges', True,
         'Unclipped at the large rate: no finite epoch loss, NaN from the first epoch.'),
        ('clipnorm_keeps_finite', True,
         'With clipnorm: largest epoch loss 2.5, last 2 (never past the blow-up line 23).'),
        ('clipvalue_stops_nan', True,
         'With clipvalue: largest epoch loss 2.5, last 2 (never past the blow-up line 23); no NaN, and it '
         'ended below the line.'),
    ],
    "lr_schedules": [
        ('range_test_turns_up', True,
         'Range test: lowest smoothed loss 0.747 (from 2.240) at rate 0.0572, then it rose past 1.5× '
         'that; suggested rate 0.00572 (a tenth of the turning point).'),
        ('onecycle_beats_constant', True,
         'Best validation accuracy: 1cycle 1.15 ± 1.91 points (95% CI, 2 seeds) against constant. First '
         'to 90% validation accuracy: exponential, at 3.5 epochs on average (never = 11), 1.0 epochs '
         'before the constant rate.'),
        ('decay_beats_constant', True,
         'Best validation accuracy against constant: exponential 0.60 ± 1.27 points (95% CI, 2 seeds); '
         'piecewise 0.60 ± 1.27 points (95% CI, 2 seeds).'),
    ],
    "momentum": [
        ('usual_converges', True,
         'With momentum 0.9 5 of 5 starts settled within 0.001 of the minimum, after 139 ± 9 steps.'),
        ('overshoots', True,
         'Crossings of the minimum per start: 389.2 ± 3.4 with momentum 0.99999 against 13.6 ± 1.4 with '
         '0.9 (95% CI over 5 starts; counted until settled or the end of 3000 steps).'),
        ('undamped', True,
         'Over the last tenth of 3000 steps with momentum 0.99999 the swings still reached 0.96–1.01 of '
         'the starting distance, over 5 starts (still swinging means 0.5–2).'),
        ('slower', True,
         'Steps to settle: none within the budget with momentum 0.99999 against 139 ± 9 with 0.9 (slower '
         'means more than 10× as many, or not within 3000 steps).'),
    ],
    "optimizers": [
        ('momentum_beats_sgd', True,
         'Epochs to 90% validation accuracy (never = 11): momentum 6.5 ± 6.4 (95% CI, 2 seeds) epochs '
         'sooner; Nesterov 6.5 ± 6.4 (95% CI, 2 seeds) epochs sooner than SGD.'),
        ('adagrad_falls_behind', True,
         'Best validation accuracy in 10 epochs: RMSProp ahead of AdaGrad by 9.0 ± 7.0 points (95% CI, 2 '
         'seeds).'),
        ('adam_family_fast', True,
         'Epochs to 90% validation accuracy (never = 11): Adam 6.5 ± 6.4 (95% CI, 2 seeds) epochs sooner; '
         'Nadam 6.5 ± 6.4 (95% CI, 2 seeds) epochs sooner; AdamW 6.5 ± 6.4 (95% CI, 2 seeds) epochs '
         'sooner than SGD.'),
    ],
    "regularization": [
        ('none_overfits', True,
         'Unregularized: training accuracy 100.0%, validation 85.5%, a gap of 14.5 points (overfitting '
         'means at least 98% and 5 points).'),
        ('penalties_and_dropout_narrow_gap', True,
         'Unregularized loss gap 0.873. Against it: ℓ2 narrowed the loss gap by 0.458 ± 0.515 (95% CI, 2 '
         'seeds) (accuracy gap by 4.5 ± 6.4 points (95% CI, 2 seeds)) at a validation-accuracy cost of '
         '-1.0 ± 12.7 points (95% CI, 2 seeds); ℓ1 narrowed the loss gap by 0.458 ± 0.515 (95% CI, 2 '
         'seeds) (accuracy gap by 4.5 ± 6.4 points (95% CI, 2 seeds)) at a validation-accuracy cost of '
         '-1.0 ± 12.7 points (95% CI, 2 seeds); max-norm narrowed the loss gap by 0.458 ± 0.515 (95% CI, '
         '2 seeds) (accuracy gap by 4.5 ± 6.4 points (95% CI, 2 seeds)) at a validation-accuracy cost of '
         '-1.0 ± 12.7 points (95% CI, 2 seeds); dropout narrowed the loss gap by 0.458 ± 0.515 (95% CI, 2 '
         'seeds) (accuracy gap by 4.5 ± 6.4 points (95% CI, 2 seeds)) at a validation-accuracy cost of '
         '-1.0 ± 12.7 points (95% CI, 2 seeds); SELU + AlphaDropout narrowed the loss gap by 0.458 ± '
         '0.515 (95% CI, 2 seeds) (accuracy gap by 4.5 ± 6.4 points (95% CI, 2 seeds)) at a '
         'validation-accuracy cost of -1.0 ± 12.7 points (95% CI, 2 seeds) (a negative cost is a gain).'),
        ('l1_sparsifies', True,
         'Share of weights below 0.001 in magnitude: 41.0% with ℓ1 against 0.4% without.'),
    ],
    "selu": [
        ('selu_fixed_point', True,
         'At initialization the deeper 5 of 10 SELU layers stayed within |mean| ≤ 0.1, std 0.8–1.25 in 3 '
         'of 3 seeds (last layer, first seed: mean +0.010, std 1.000).'),
        ('steadier_scale', True,
         'Largest change of the activation scale over the deeper half: selu ×1.00–1.00, relu ×1.23–1.57, '
         'elu ×1.17–1.26; relu minus SELU 0.36 ± 0.34 in log scale, elu minus SELU 0.19 ± 0.09 in log '
         'scale (95% CI, paired over 3 seeds).'),
        ('dropout', True,
         'With dropout active the deeper layers stayed within the band in 0 of 3 seeds with regular '
         'dropout and 3 of 3 with alpha dropout (last layer std, first seed: 1.600 and 1.000).'),
        ('after_training', True,
         "3 epoch(s) of SGD moved each image's activation scale over the deeper half by a factor of 1.13 "
         '± 0.00 for SELU + LeCun, 1.73 ± 0.02 for ReLU + He, 1.57 ± 0.01 for ELU + He (95% CI over 1000 '
         "images, one training run each); SELU's last layer then had mean +0.030 and std 1.100."),
    ],
    "sparsity": [
        ('ftrl_exact_zeros', True,
         'Exact zeros among the 89,400 weights that get a gradient: FTRL with ℓ1 0.001 33.6% [33.2%, '
         '33.9%], without ℓ1 0.0% [0.0%, 0.0%], difference +33.5 points [+33.2, +33.8] (95% CIs); 136 of '
         '784 pixels are blank in every training image, and their weights were exactly 0 in 13600/13600 '
         'and 13600/13600 cases by construction, counted apart.'),
        ('l1_then_zeroing', True,
         'After zeroing |w| < 0.001: ℓ1 0.0001 left 44.7% [44.4%, 45.1%] exact zeros, plain training 0.3% '
         '[0.3%, 0.4%], difference +44.4 points [+44.1, +44.7] (95% CIs; never-lit weights apart: '
         '13000/13600 and 50/13600).'),
        ('accuracy_kept', True,
         'Test accuracy, sparse minus its control, paired over 2000 test images: FTRL with ℓ1 -0.8 points '
         '[-1.6, +0.1], ℓ1 then zeroing -0.8 points [-1.5, +0.0] (95% CIs; the margin is −3 points).'),
    ],
    "symmetry": [
        ('collapsed', True,
         'From one copied value (-0.0712) the hidden layers held 1/1/1 distinct neuron(s) of 100 after 5 '
         'epoch(s).'),
        ('he_distinct', True,
         'With He initialization they held 100/100/100 of 100.'),
        ('less_accurate', True,
         'He initialization was 61.3 ± 4.2 points more accurate (95% CI, paired over 600 test images: '
         '91.0% vs 30.0%).'),
        ('scale_broken', True,
         "At initialization the first arm's pre-activation RMS was 2.46 [2.41, 2.51]× He's in layer 1, "
         "8.17 [8.07, 8.27]× He's in layer 2, 9.97 [9.85, 10.10]× He's in layer 3 (95% CI over 1000 "
         'images; off means beyond ×2 or ÷2).'),
    ],
}


@pytest.mark.parametrize("name", sorted(SENTENCES))
def test_a_default_like_run_reads_exactly_so(name):
    module = importlib.import_module(f"engine.judges.{name}")
    judged = module.judge(module.example_numbers())
    assert [(c.name, c.holds, c.text) for c in judged.claims] == SENTENCES[name]
    assert judged.holds == all(holds for _, holds, _ in SENTENCES[name])
