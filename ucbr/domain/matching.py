"""Finding register entries before contact: by name, alias, e-mail, phone, postcode,
address or UPRN.

Pure matching, no I/O. A missed match leaves a member of staff unwarned; a false match
treats a stranger as restricted. So exact identifiers (e-mail, phone, full postcode,
UPRN) score 100, names and addresses score by how closely every word agrees, and
anything that names many people at once (a surname alone, a street without a number,
an outward code) scores below the default threshold: a possible match, not a match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz
from unidecode import unidecode

from ucbr.domain.sections import CaseEntry, PropertyEntry

MatchedOn = Literal["name", "alias", "email", "phone", "postcode", "address", "uprn"]

EXACT = 100
# One word (a surname, a street name) is shared by many people and places.
ONE_WORD_CAP = 70
# A street or a name with words the other side lacks: close, but not certain.
EXTRA_WORD_PENALTY = 5
# A postcode district holds thousands of addresses: a hint only.
OUTWARD_CODE_SCORE = 50
# Below this a comparison is noise, and no Match is returned at all.
FLOOR = 50

_APOSTROPHES = re.compile(r"['`]")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_TRAILING_POSTCODE = re.compile(
    r"[\s,]+([A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})\s*$", re.IGNORECASE
)
_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
_PHONE_SHAPED = re.compile(r"^\+?[0-9\s().-]{7,}$")
_DIGITS = re.compile(r"^[0-9]{1,12}$")
# Common abbreviations in addresses, so "12 Bridge St" finds "12 Bridge Street".
_ADDRESS_WORDS = {
    "st": "street",
    "rd": "road",
    "ave": "avenue",
    "av": "avenue",
    "ln": "lane",
    "cl": "close",
    "ct": "court",
    "cres": "crescent",
    "dr": "drive",
    "gdns": "gardens",
    "pl": "place",
    "sq": "square",
    "ter": "terrace",
    "terr": "terrace",
    "flt": "flat",
}


@dataclass(frozen=True)
class Match:
    """One entry found, how sure the match is (0-100), and what it matched on."""

    id: str
    score: int
    matched_on: MatchedOn


# --- normalisation ----------------------------------------------------------------


def normalise_name(text: str) -> str:
    """Lower case, no accents, words separated by single spaces: "Zoë O'Neil" -> "zoe oneil"."""
    folded = unidecode(text).casefold()
    # O'Neil and ONeil are the same name; a hyphen or comma separates words.
    folded = _APOSTROPHES.sub("", folded)
    return " ".join(_NOT_ALNUM.sub(" ", folded).split())


def normalise_phone(text: str) -> str | None:
    """The number in E.164 (UK by default), or None if it is not shaped like a phone number."""
    if not _PHONE_SHAPED.match(text.strip()):
        return None
    import phonenumbers  # slow to import: only once something looks like a phone number

    try:
        number = phonenumbers.parse(text, "GB")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_postcode(text: str) -> str | None:
    """A UK postcode in capitals with one space, "ox28 1nb" -> "OX28 1NB"; None if not one."""
    found = _POSTCODE.match("".join(text.split()).upper())
    return f"{found.group(1)} {found.group(2)}" if found else None


def _outward_code(text: str) -> str | None:
    compact = "".join(text.split()).upper()
    return compact if _OUTWARD.match(compact) else None


def _uprn(text: str) -> str | None:
    # UPRNs are sometimes written zero-padded to 12 digits; the number is the same.
    compact = text.strip()
    if not _DIGITS.match(compact):
        return None
    return compact.lstrip("0") or "0"


# --- scoring ----------------------------------------------------------------------


def _aligned(shorter: Sequence[str], longer: Sequence[str]) -> list[float]:
    """Pair each word of the shorter side with its closest unused word on the longer side."""
    pairs = sorted(
        (
            (fuzz.ratio(a, b), left, right)
            for left, a in enumerate(shorter)
            for right, b in enumerate(longer)
        ),
        reverse=True,
    )
    used_i: set[int] = set()
    used_j: set[int] = set()
    scores: list[float] = []
    for score, left, right in pairs:
        if left not in used_i and right not in used_j:
            used_i.add(left)
            used_j.add(right)
            scores.append(score)
    return scores


def name_score(query: str, name: str) -> int:
    """How closely two names agree, whatever the case, accents, word order or a small typo."""
    q_words, n_words = normalise_name(query).split(), normalise_name(name).split()
    if not q_words or not n_words:
        return 0
    if "".join(q_words) == "".join(n_words):
        return EXACT  # "McDonald" and "Mc Donald"
    shorter, longer = sorted((q_words, n_words), key=len)
    scores = _aligned(shorter, longer)
    if len(shorter) == 1 and len(longer) > 1:
        return min(round(scores[0]), ONE_WORD_CAP)  # "Smith" names many people
    score = sum(scores) / len(scores) - EXTRA_WORD_PENALTY * (len(longer) - len(shorter))
    return max(0, round(score))


def _address_words(text: str) -> tuple[set[str], list[str]]:
    """House and flat numbers (which must agree exactly) and the other words."""
    words = [_ADDRESS_WORDS.get(w, w) for w in normalise_name(text).split()]
    numbers = {w for w in words if w[0].isdigit()}
    return numbers, [w for w in words if not w[0].isdigit()]


def address_score(query: str, address: str) -> int:
    """How closely a typed address agrees with a recorded one; house numbers must be exact."""
    q_numbers, q_words = _address_words(query)
    a_numbers, a_words = _address_words(address)
    if not q_words or not a_words or not q_numbers <= a_numbers:
        return 0
    # Every typed word counts; the recorded address may carry a town the query leaves out.
    score = round(sum(_aligned(q_words, a_words)) / len(q_words))
    if q_numbers:
        return score - (EXTRA_WORD_PENALTY if a_numbers - q_numbers else 0)
    # Without a number a query names a whole street, unless the home has a name and the
    # query gives all of it ("Rose Cottage, Mill Lane" but not "Mill Lane").
    whole_named_home = not a_numbers and len(q_words) >= 2 and len(q_words) >= len(a_words) - 1
    return score if whole_named_home else min(score, ONE_WORD_CAP)


def _split_postcode(query: str) -> tuple[str, str | None]:
    """A typed address and the postcode typed at its end, if any."""
    found = _TRAILING_POSTCODE.search(query)
    if found is None:
        return query, None
    return query[: found.start()], normalise_postcode(found.group(1))


def _full_address_score(query: str, address: str | None, postcode: str | None) -> int:
    if not address:
        return 0
    rest, typed_postcode = _split_postcode(query)
    if typed_postcode is not None and typed_postcode != normalise_postcode(postcode or ""):
        return 0  # the same street name in another town
    return address_score(rest, address)


def _postcode_score(query: str, postcode: str | None) -> int:
    recorded = normalise_postcode(postcode or "")
    if recorded is None:
        return 0
    if normalise_postcode(query) == recorded:
        return EXACT
    if _outward_code(query) == recorded.split()[0]:
        return OUTWARD_CODE_SCORE
    return 0


def _best(entry_id: str, candidates: Iterable[tuple[int, MatchedOn]]) -> Match | None:
    # Ties go to the first candidate, so exact identifiers are listed first.
    best: tuple[int, MatchedOn] | None = None
    for score, on in candidates:
        if best is None or score > best[0]:
            best = (score, on)
    if best is None or best[0] < FLOOR:
        return None
    return Match(id=entry_id, score=best[0], matched_on=best[1])


# --- matching ---------------------------------------------------------------------


def _case_candidates(query: str, entry: CaseEntry) -> Iterable[tuple[int, MatchedOn]]:
    person = entry.person
    if person is None:
        return
    if "@" in query:
        # An e-mail address is exact or nothing: a near miss is someone else's.
        wanted = query.strip().casefold()
        if any(e.strip().casefold() == wanted for e in person.emails):
            yield EXACT, "email"
        return
    phone = normalise_phone(query)
    if phone is not None and phone in {normalise_phone(p) for p in person.phones}:
        yield EXACT, "phone"
    yield _postcode_score(query, person.postcode), "postcode"
    yield name_score(query, person.name), "name"
    for alias in person.aliases:
        yield name_score(query, alias), "alias"
    yield _full_address_score(query, person.address, person.postcode), "address"


def _property_candidates(query: str, entry: PropertyEntry) -> Iterable[tuple[int, MatchedOn]]:
    wanted = _uprn(query)
    if wanted is not None and entry.uprn is not None and wanted == _uprn(entry.uprn):
        yield EXACT, "uprn"
    yield _postcode_score(query, entry.postcode), "postcode"
    yield _full_address_score(query, entry.address, entry.postcode), "address"


def match_case_entry(query: str, entry: CaseEntry) -> Match | None:
    """The best match of ``query`` against a person on the register, or None."""
    if not entry.on_register or not query.strip():
        return None
    return _best(entry.id, _case_candidates(query, entry))


def match_property_entry(query: str, entry: PropertyEntry) -> Match | None:
    """The best match of ``query`` against a property whose risk is in force, or None."""
    if not entry.in_force or not query.strip():
        return None
    return _best(entry.id, _property_candidates(query, entry))


def match_entry(query: str, entry: CaseEntry | PropertyEntry) -> Match | None:
    """The best match of ``query`` against a person or a property on the register, or None."""
    if isinstance(entry, CaseEntry):
        return match_case_entry(query, entry)
    return match_property_entry(query, entry)


def lookup(
    query: str, entries: Iterable[CaseEntry | PropertyEntry], threshold: int = 80
) -> list[Match]:
    """Every entry matching at ``threshold`` or above, best first; empty when none does."""
    found = [
        m for e in entries if (m := match_entry(query, e)) is not None and m.score >= threshold
    ]
    return sorted(found, key=lambda m: (-m.score, m.id))
