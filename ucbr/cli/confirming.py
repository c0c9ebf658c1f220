"""What a command that changes much is about to change, in words, for ``ui.confirm``."""

from __future__ import annotations

from ucbr.cli import ui
from ucbr.cli.common import Options
from ucbr.domain.model import Case, Decision, Review
from ucbr.domain.words import describe_restriction, scope_words
from ucbr.errors import UcbrError


def proposal(opts: Options, case_id: str) -> Decision | Review | None:
    """What awaits approval on a case (a proposed decision, or a continuation at review),
    if the caller's key reads it; None otherwise, and the command itself says what is
    wrong."""
    reg = opts.register()
    try:
        loaded = reg.load(case_id, opts.keyring(), ("record",))
        case = reg.section(loaded, "record", Case)
    except UcbrError:
        return None
    continuation = next((r for r in case.reviews if r.status == "proposed"), None)
    return continuation or next((d for d in case.decisions if d.status == "proposed"), None)


def awaiting_lines(item: Decision | Review) -> list[str]:
    """What is approved, in plain words: a decision's terms, or a continuation's review."""
    if isinstance(item, Decision):
        return decision_lines(item)
    lines = [f"  continue {item.decision}, as reviewed by {item.by} on {item.date.isoformat()}"]
    if item.next_review is not None:
        lines.append(f"  next review by {item.next_review.isoformat()}")
    return lines


def decision_lines(decision: Decision) -> list[str]:
    """A decision's terms in plain words: the step, each restriction, its reach, its review."""
    lines = [f"  {ui.words(decision.step)}, proposed by {decision.proposed_by}"]
    lines += [f"  - {describe_restriction(r)}" for r in decision.restrictions]
    lines.append(f"  covers {scope_words(decision.scope)}")
    if decision.review_by is not None:
        lines.append(f"  review by {decision.review_by.isoformat()}")
    return lines
