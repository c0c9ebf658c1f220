"""Letters to the person, as facts: which record each concerns and what it must say.

``kinds`` gathers each kind's facts from the case; ``parts`` holds what they share.
Rendering them (Jinja templates, PDF) is ``ucbr.services.letters``.
"""

from __future__ import annotations

from ucbr.domain.letters.kinds import KINDS, letter_facts, refuse_property_letter, title_of
from ucbr.domain.letters.parts import LetterRefused

__all__ = ["KINDS", "LetterRefused", "letter_facts", "refuse_property_letter", "title_of"]
