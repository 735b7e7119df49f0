"""Batch planning: padded-token budgets for one decoder, equal-cost batches for parallel workers."""
from __future__ import annotations

import itertools
import random

import pytest

from xlcompare.batching import (
    DECODED_TOKEN_COST,
    MAX_BATCH_SIZE,
    batch_cost,
    expected_output_lengths,
    plan_batches,
    plan_parallel_batches,
)


@pytest.mark.parametrize(
    ("lengths", "budget", "max_batch"),
    [
        ([5, 50, 7, 20, 20, 3], 60, 256),
        ([10] * 9, 30, 256),
        ([100, 1, 1], 50, 256),
        ([4] * 10, 1000, 3),
        ([], 10, 4),
    ],
)
def test_plan_batches_respects_budget_and_covers_every_input(lengths, budget, max_batch):
    batches = plan_batches(lengths, budget, max_batch)
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) <= max_batch
        padded = len(batch) * max(lengths[i] for i in batch)
        assert padded <= budget or len(batch) == 1
    order = [lengths[i] for batch in batches for i in batch]
    assert order == sorted(order, reverse=True)


@pytest.mark.parametrize(
    ("lengths", "minimum", "maximum", "expected"),
    [
        ([5, 40, 12], None, None, [5, 40, 12]),  # about as long as the source
        ([5, 40, 12], 24, 24, [24, 24, 24]),  # a fixed length, as the benchmark asks
        ([5, 40, 12], 8, 30, [8, 30, 12]),
        ([0], None, None, [0]),
        ([], None, None, []),
    ],
)
def test_expected_output_lengths(lengths, minimum, maximum, expected):
    assert expected_output_lengths(lengths, minimum, maximum) == expected


def test_batch_cost_counts_padding_and_generated_tokens():
    lengths, outputs = [10, 4, 6], [3, 5, 7]
    assert batch_cost([0, 1, 2], lengths, outputs) == 3 * 10 + DECODED_TOKEN_COST * 15
    assert batch_cost([1], lengths, outputs) == 4 + DECODED_TOKEN_COST * 5
    assert batch_cost([], lengths, outputs) == 0


def check_plan(plan, lengths, budget):
    assert sorted(i for batch in plan for i in batch) == list(range(len(lengths)))
    for batch in plan:
        assert len(batch) <= MAX_BATCH_SIZE
        assert len(batch) == 1 or len(batch) * max(lengths[i] for i in batch) <= budget
    order = [lengths[i] for batch in plan for i in batch]
    assert order == sorted(order, reverse=True)


@pytest.mark.parametrize(
    ("lengths", "budget", "workers", "sizes"),
    [
        ([50] * 64, 4096, 1, [64]),  # one worker: the budget alone decides
        ([50] * 64, 4096, 2, [32, 32]),  # equal inputs, equal shares
        ([50] * 64, 400, 2, [8] * 8),  # the budget (400 // 50 tokens) is the tighter limit
        ([50] * 10, 4096, 2, [5, 5]),  # a small job still keeps both workers busy
        ([50] * 3, 4096, 4, [1, 1, 1]),  # fewer inputs than workers
        # The budget alone would give batches of 17, 22 and 25 (longest first); rounded up to
        # 4 batches, the longest inputs go into the smallest batches.
        ([60] * 17 + [46] * 22 + [31] * 25, 1024, 2, [12, 13, 16, 23]),
        # An input over the budget keeps a batch of its own, and outweighs all the others.
        ([5000] + [50] * 63, 4096, 2, [1, 63]),
        ([], 4096, 2, []),
    ],
)
def test_plan_parallel_batches(lengths, budget, workers, sizes):
    plan = plan_parallel_batches(lengths, budget, workers)
    check_plan(plan, lengths, budget)
    assert [len(batch) for batch in plan] == sizes


def test_the_longest_inputs_get_the_smallest_batch():
    """64 inputs spread evenly over 11-60 tokens, on 2 workers. When outputs follow their
    sources, the long half carries most of the generation too; at a fixed 24 output tokens
    (the benchmark's case) only the encoder's padding separates the halves."""
    lengths = [11 + (i * 49) // 63 for i in range(64)]
    follows = plan_parallel_batches(lengths, 4096, 2)
    fixed = plan_parallel_batches(lengths, 4096, 2, expected_output_lengths(lengths, 24, 24))
    assert [len(b) for b in follows] == [23, 41]
    assert [len(b) for b in fixed] == [29, 35]
    # Equal counts would give the long half 1.97 times the short half's work (1.23 times at a
    # fixed length), and the slowest worker 33% (10%) more than an even share.
    halves = [sorted(range(64), key=lambda i: -lengths[i])[k : k + 32] for k in (0, 32)]
    for plan, outputs in ((follows, lengths), (fixed, [24] * 64)):
        costs = [batch_cost(b, lengths, outputs) for b in plan]
        assert max(costs) / min(costs) < 1.01
        assert max(batch_cost(b, lengths, outputs) for b in halves) > 1.05 * max(costs)


def test_beams_weigh_generation_and_move_the_cut_towards_equal_counts():
    """Each of k beams generates its own tokens while the source is encoded once."""
    lengths = [11 + (i * 49) // 63 for i in range(64)]
    outputs = expected_output_lengths(lengths, 24, 24)
    one_hypothesis = plan_parallel_batches(lengths, 4096, 2, outputs)
    sizes = {}
    for beams in (1, 2, 4, 8):
        plan = plan_parallel_batches(lengths, 4096, 2, outputs, beams=beams)
        check_plan(plan, lengths, 4096)
        sizes[beams] = [len(b) for b in plan]
        weighted = [beams * n for n in outputs]
        assert max(batch_cost(b, lengths, weighted) for b in plan) <= max(
            batch_cost(b, lengths, weighted) for b in one_hypothesis
        )
    assert sizes == {1: [29, 35], 2: [30, 34], 4: [31, 33], 8: [31, 33]}


def smallest_max_cost(lengths, outputs, budget, count):
    """Brute force: the least maximum batch cost over every cut of the sorted inputs into at
    most `count` batches within the budget."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i], reverse=True)
    best = None
    for groups in range(1, count + 1):
        for cuts in itertools.combinations(range(1, len(order)), groups - 1):
            bounds = [0, *cuts, len(order)]
            batches = [order[a:b] for a, b in itertools.pairwise(bounds)]
            if any(len(b) > 1 and len(b) * max(lengths[i] for i in b) > budget for b in batches):
                continue
            worst = max(batch_cost(b, lengths, outputs) for b in batches)
            best = worst if best is None else min(best, worst)
    return best


@pytest.mark.parametrize("seed", range(12))
def test_parallel_plan_has_the_least_costly_slowest_batch(seed):
    rng = random.Random(seed)
    lengths = [rng.randint(1, 60) for _ in range(rng.randint(2, 10))]
    outputs = [rng.randint(1, 40) for _ in lengths]
    budget, workers, beams = rng.choice([60, 120, 4096]), rng.choice([2, 3]), rng.choice([1, 4])
    plan = plan_parallel_batches(lengths, budget, workers, outputs, beams=beams)
    check_plan(plan, lengths, budget)
    needed = len(plan_batches(lengths, budget))
    count = min(len(lengths), -(-needed // workers) * workers)
    assert len(plan) <= count
    if count < len(lengths):
        generated = [beams * n for n in outputs]
        worst = max(batch_cost(b, lengths, generated) for b in plan)
        assert worst == smallest_max_cost(lengths, generated, budget, count)


@pytest.mark.parametrize("seed", range(6))
def test_parallel_plan_is_never_less_balanced_than_equal_counts(seed):
    """Against the equal-count split the engine used before (64 inputs of 10-60 tokens)."""
    rng = random.Random(seed)
    lengths = [rng.randint(10, 60) for _ in range(64)]
    outputs = expected_output_lengths(lengths)
    for budget in (4096, 1024):
        plan = plan_parallel_batches(lengths, budget, 2, outputs)
        equal = plan_batches(lengths, budget, -(-len(lengths) // len(plan)))
        cost = max(batch_cost(b, lengths, outputs) for b in plan)
        assert cost <= max(batch_cost(b, lengths, outputs) for b in equal)
        assert cost <= 1.05 * sum(batch_cost(b, lengths, outputs) for b in plan) / len(plan)
