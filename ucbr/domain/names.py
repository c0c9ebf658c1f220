"""People's names: how closely a name typed at the counter agrees with a name recorded.

Pure. A name agrees word by word, whatever the case, accents, punctuation or word order
("Smith, John"), with a common nickname ("Bob" for Robert, "Peggy" for Margaret, from the
curated ``nicknames`` dataset) or a transliteration ("Mueller" for Müller). A word one or
two slips away (a typo, two letters swapped: "Jhon") may be the same person or another
(Parker, Barker), so such a name is at most a possible match. Every word typed must agree
with a word recorded: "Jane Smith" is not John Smith, however close the rest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from rapidfuzz.distance import OSA
from unidecode import unidecode

if TYPE_CHECKING:
    from nicknames import NickNamer

EXACT = 100
# Below this, two words are different words ("jane" and "john" score 50).
WORD_FLOOR = 70
# Another way of writing the same letters: Mueller for Müller.
TRANSLITERATION_SCORE = 95
# A nickname is the same person's name, nearly always.
NICKNAME_SCORE = 90
# An initial agrees with every name it begins: it narrows, but never identifies.
INITIAL_SCORE = 75
# A word one slip of the keyboard away (a letter missed, doubled, wrong, or two swapped).
ONE_SLIP_SCORE = 85
# Two slips, in a word long enough to carry them (Mohammed, Muhammad).
TWO_SLIPS_SCORE = 70
LONG_WORD = 7
SLIPS = frozenset({ONE_SLIP_SCORE, TWO_SLIPS_SCORE})
# A name that agrees only give or take a slip may be another person's (Parker, Barker): a
# possible match at most, however well the rest agrees.
SLIP_CAP = 79
SLIP_WEIGHT = 0.85
# One word (a surname alone) names many people.
ONE_WORD_CAP = 70
# Words one side has and the other lacks (a middle name): close, but not certain.
EXTRA_WORD_PENALTY = 5

_APOSTROPHES = re.compile(r"['`’]")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=65536)
def normalise_name(text: str) -> str:
    """Lower case, no accents, words separated by single spaces: "Zoë O'Neil" -> "zoe oneil"."""
    folded = unidecode(text).casefold()
    # O'Neil and ONeil are the same name; a hyphen or comma separates words.
    folded = _APOSTROPHES.sub("", folded)
    return " ".join(_NOT_ALNUM.sub(" ", folded).split())


def name_words(text: str) -> tuple[str, ...]:
    """The words of a name, normalised."""
    return tuple(normalise_name(text).split())


@cache
def _nicknamer() -> NickNamer:
    from nicknames import NickNamer  # a small dataset, read only when a name is compared

    return NickNamer()


@lru_cache(maxsize=65536)
def _given_name_forms(word: str) -> frozenset[str]:
    """The nicknames of a name, and the names it is a nickname of: one step, never two, so
    William and Robert (both "Bill") stay different names."""
    namer = _nicknamer()
    return frozenset({*namer.nicknames_of(word), *namer.canonicals_of(word)})


def same_given_name(first: str, second: str) -> bool:
    """Whether one word is a nickname of the other (Bob and Robert, Peggy and Margaret), or
    of another spelling of it (Kate: Katherine, so Catherine)."""
    if second in _given_name_forms(first) or first in _given_name_forms(second):
        return True
    return any(
        _spelling_of(form, other)
        for word, other in ((first, second), (second, first))
        for form in _given_name_forms(word)
    )


def _spelling_of(form: str, word: str) -> bool:
    """Two spellings of one long name, a letter apart: Katherine and Catherine."""
    return min(len(form), len(word)) >= LONG_WORD and OSA.distance(form, word, score_cutoff=1) == 1


def folded(word: str) -> str:
    """A word with the usual transliterations of umlauts undone: "mueller" -> "muller"."""
    return word.replace("ue", "u").replace("oe", "o").replace("ae", "a")


@lru_cache(maxsize=262144)
def word_score(typed: str, recorded: str, nicknames: bool = True) -> int:
    """How closely one word of a name agrees with another (0-100), by the edits between them.

    One slip (a letter missed, doubled, wrong, or two swapped) is a typo; two inside a long
    word that starts and ends alike may be a transliteration (Mohammed, Muhammad); more is a
    different name, however many letters the two share ("Nettlebrook" is not "Pebblebrook").
    """
    if typed == recorded:
        return EXACT
    if len(typed) == 1 or len(recorded) == 1:
        return INITIAL_SCORE if typed[0] == recorded[0] else 0
    if folded(typed) == folded(recorded):
        return TRANSLITERATION_SCORE  # Mueller and Müller
    if nicknames and same_given_name(typed, recorded):
        return NICKNAME_SCORE
    edits = OSA.distance(typed, recorded, score_cutoff=2)
    shortest = min(len(typed), len(recorded))
    if edits == 1 and shortest >= 3:
        return ONE_SLIP_SCORE
    same_ends = typed[0] == recorded[0] and typed[-1] == recorded[-1]
    if edits == 2 and shortest >= LONG_WORD and same_ends:
        return TWO_SLIPS_SCORE  # Mohammed, Muhammad; never Oakmore, Oakford
    return 0


def aligned(
    shorter: Sequence[str], longer: Sequence[str], nicknames: bool = True
) -> list[tuple[int, str, str]]:
    """Pair each word of the shorter side with its closest unused word on the longer side."""
    pairs = sorted(
        (
            (word_score(a, b, nicknames), left, right)
            for left, a in enumerate(shorter)
            for right, b in enumerate(longer)
        ),
        reverse=True,
    )
    used_left: set[int] = set()
    used_right: set[int] = set()
    found: list[tuple[int, str, str]] = []
    for score, left, right in pairs:
        if left not in used_left and right not in used_right:
            used_left.add(left)
            used_right.add(right)
            found.append((score, shorter[left], longer[right]))
    return found


def every_word_agrees(
    shorter: Sequence[str], longer: Sequence[str], floor: int, nicknames: bool = True
) -> bool:
    """Whether each word of the shorter side agrees with some word of the longer at ``floor``:
    the quick test that turns most of a register away before any pairing is done."""
    return all(any(word_score(a, b, nicknames) >= floor for b in longer) for a in shorter)


@lru_cache(maxsize=65536)
def words_score(typed: tuple[str, ...], recorded: tuple[str, ...]) -> int:
    """How closely two names, as words, agree: 0 when any word of the shorter has no match."""
    if not typed or not recorded:
        return 0
    if "".join(typed) == "".join(recorded):
        return EXACT  # "McDonald" and "Mc Donald"
    shorter, longer = sorted((typed, recorded), key=len)
    if not every_word_agrees(shorter, longer, WORD_FLOOR):
        return 0
    pairs = aligned(shorter, longer)
    if min(score for score, _, _ in pairs) < WORD_FLOOR:
        return 0
    mean = sum(score for score, _, _ in pairs) / len(pairs)
    if len(shorter) == 1 and len(longer) > 1:
        return min(round(mean), ONE_WORD_CAP)  # "Smith" names many people
    score = round(mean) - EXTRA_WORD_PENALTY * (len(longer) - len(shorter))
    if any(len(a) == 1 or len(b) == 1 for _, a, b in pairs):
        score = min(score, INITIAL_SCORE)  # "J Smith" is one of many
    if any(pair_score in SLIPS for pair_score, _, _ in pairs):
        score = min(round(score * SLIP_WEIGHT), SLIP_CAP)
    return max(0, score)


def name_score(query: str, name: str) -> int:
    """How closely two names agree, whatever the case, accents, word order or a small typo."""
    return words_score(name_words(query), name_words(name))
