"""Published statistics cannot be differenced back to a small count."""

from __future__ import annotations

from collections import Counter

from ucbr.services.stats import SECONDARY, suppressed


def test_a_lone_small_count_hides_its_smallest_neighbour() -> None:
    """With one small count in a group, the next smallest is hidden too (secondary suppression)."""
    group = Counter({"A": 2, "B": 7, "C": 40})
    assert suppressed(group) == {"A": "<3", "B": SECONDARY, "C": 40}


def test_two_small_counts_need_no_secondary_suppression() -> None:
    """Two small counts already protect each other; the rest stay exact."""
    group = Counter({"A": 1, "B": 2, "C": 40})
    assert suppressed(group) == {"A": "<3", "B": "<3", "C": 40}


def test_no_small_count_leaves_everything_exact() -> None:
    """A group with no count of 1 or 2 is published as it is, zeros included."""
    group = Counter({"A": 0, "B": 3, "C": 40})
    assert suppressed(group) == {"A": 0, "B": 3, "C": 40}
