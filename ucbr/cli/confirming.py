"""What a command that changes much is about to change, in words, for ``ui.confirm``."""

from __future__ import annotations

from ucbr.cli import ui
from ucbr.cli.common import Options
from ucbr.domain.model import Case, Decision
from ucbr.domain.words import describe_restriction, scope_words
from ucbr.errors import UcbrError


def proposal(opts: Options, case_id: str) -> Decision | None:
    """The decision proposed on a case, if there is one the caller's key reads; None
    otherwise, and the command itself says what is wrong."""
    reg = opts.register()
    try:
        loaded = reg.load(case_id, opts.keyring(), ("record",))
        case = reg.section(loaded, "record", Case)
    except UcbrError:
        return None
    return next((d for d in case.decisions if d.status == "proposed"), None)


def decision_lines(decision: Decision) -> list[str]:
    """A decision's terms in plain words: the step, each restriction, its reach, its review."""
    lines = [f"  {ui.words(decision.step)}, proposed by {decision.proposed_by}"]
    lines += [f"  - {describe_restriction(r)}" for r in decision.restrictions]
    lines.append(f"  covers {scope_words(decision.scope)}")
    if decision.review_by is not None:
        lines.append(f"  review by {decision.review_by.isoformat()}")
    return lines
