"""Letters issued: the record that the person was told, so the schedule stops asking."""

from __future__ import annotations

from ucbr.domain.model import Case, LetterIssued
from ucbr.domain.policy.base import refuse, valid


def record_letter(case: Case, letter: LetterIssued) -> Case:
    """Note that a letter was issued, so the schedule stops asking for it."""
    if any(existing.id == letter.id for existing in case.letters):
        raise refuse(f"letter {letter.id} is already recorded")
    known = {d.id for d in case.decisions} | {r.id for r in case.reviews}
    known |= {a.id for a in case.appeals} | {f.id for f in case.foi}
    if letter.about is not None and letter.about not in known:
        raise refuse(f"letter {letter.id} is about {letter.about}, which is not in case {case.id}")
    return valid(case.model_copy(update={"letters": (*case.letters, letter)}))
