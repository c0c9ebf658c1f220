"""Letters issued: the record that the person was told, so the schedule stops asking."""

from __future__ import annotations

from ucbr.domain.model import Case, LetterIssued
from ucbr.domain.policy.base import refuse, valid


def same_letter(case: Case, letter: LetterIssued) -> LetterIssued | None:
    """The letter already issued today that ``letter`` is another copy of: the same kind,
    about the same record, on the same day (in another format, or printed again)."""
    return next(
        (
            x
            for x in case.letters
            if x.copy_of is None
            and (x.kind, x.about, x.date) == (letter.kind, letter.about, letter.date)
        ),
        None,
    )


def record_letter(case: Case, letter: LetterIssued) -> Case:
    """Note that a letter was issued, so the schedule stops asking for it. The same letter
    issued again the same day, in another format, is recorded as a copy of the first, not as
    a second letter: its hashes are kept, and it counts once."""
    if any(existing.id == letter.id for existing in case.letters):
        raise refuse(f"letter {letter.id} is already recorded")
    first = same_letter(case, letter)
    if first is not None and letter.copy_of is None:
        letter = letter.model_copy(update={"copy_of": first.id})
    known = {d.id for d in case.decisions} | {r.id for r in case.reviews}
    known |= {a.id for a in case.appeals} | {f.id for f in case.foi}
    if letter.about is not None and letter.about not in known:
        raise refuse(f"letter {letter.id} is about {letter.about}, which is not in case {case.id}")
    return valid(case.model_copy(update={"letters": (*case.letters, letter)}))
