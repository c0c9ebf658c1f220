"""Finding register entries before contact: by name, alias, e-mail, phone, postcode,
address or UPRN.

Pure matching, no I/O. A missed match leaves a member of staff unwarned; a false match
treats a stranger as restricted. So exact identifiers (e-mail, phone, full postcode, a
house number or name with its postcode, UPRN) score 100 and come first; names score by
how closely every word agrees (``ucbr.domain.names``); an address only when every word
typed is a word of the address, so a name never matches a street ("Jane" is not "Lane");
and anything that names many people at once (a surname alone, a street without a number,
an outward code) scores below ``SURE``: a possible match, not a match.

A possible match shows who it might be, never the restrictions, until staff confirm
identity. A property is the exception: its risk and the guidance for attending show on
any plausible match, because the cost of a false warning is a careful visit and the
cost of a miss is an injured officer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from ucbr.domain.names import (
    EXACT,
    ONE_WORD_CAP,
    aligned,
    every_word_agrees,
    name_score,
    name_words,
    normalise_name,
    words_score,
)
from ucbr.domain.sections import CaseEntry, PropertyEntry

__all__ = [
    "POSSIBLE",
    "SURE",
    "Match",
    "Query",
    "lookup",
    "match_entry",
    "name_score",
    "normalise_name",
    "normalise_phone",
    "normalise_postcode",
    "shortlist",
]

MatchedOn = Literal[
    "name", "alias", "representative", "email", "phone", "postcode", "address", "uprn"
]

# At or above: a match, shown in full. Below, down to POSSIBLE: who it might be.
SURE = 80
POSSIBLE = 60
# Matched on these, a score of 100 is an identifier, listed before an exact name.
IDENTIFIERS: frozenset[str] = frozenset({"email", "phone", "uprn", "postcode", "address"})
# A street or a named home with words the query lacks: close, but not certain.
EXTRA_WORD_PENALTY = 5
# A house name alone ("Rose Cottage") is shared by many homes in a district.
HOUSE_NAME_CAP = 75
# Every word of a typed address must be one of the address's words, give or take a typo.
ADDRESS_WORD_FLOOR = 80
# More possible matches of people than this is noise, not an answer.
MAX_POSSIBLE = 5
# A postcode district holds thousands of addresses: a hint only.
OUTWARD_CODE_SCORE = 50
# Below this a comparison is noise, and no Match is returned at all.
FLOOR = 50

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_TRAILING_POSTCODE = re.compile(
    r"(?:^|[\s,]+)([A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})\s*$", re.IGNORECASE
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
    "cott": "cottage",
    "cotts": "cottages",
}


@dataclass(frozen=True)
class Match:
    """One entry found, how sure the match is (0-100), and what it matched on."""

    id: str
    score: int
    matched_on: MatchedOn

    @property
    def sure(self) -> bool:
        """A match, not only a possible one."""
        return self.score >= SURE

    @property
    def identifier(self) -> bool:
        """An exact identifier: an e-mail, phone, postcode, address or UPRN as recorded."""
        return self.score == EXACT and self.matched_on in IDENTIFIERS

    @property
    def shows_details(self) -> bool:
        """Whether staff see the entry in full: a sure match, or any plausible property match."""
        return self.sure or is_property(self.id)


def is_property(file_id: str) -> bool:
    """Whether an id is a property's (``P-``) rather than a case's."""
    return file_id.startswith("P-")


# --- normalisation ----------------------------------------------------------------


@lru_cache(maxsize=65536)
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


@lru_cache(maxsize=65536)
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


@dataclass(frozen=True)
class AddressWords:
    """An address as words: house and flat numbers, the house name, and every other word."""

    numbers: frozenset[str]
    house_name: tuple[str, ...]
    words: tuple[str, ...]


@lru_cache(maxsize=65536)
def address_words(text: str) -> AddressWords:
    """Numbers (which must agree exactly), the house name (a first part with no number, when
    more follows: "Rose Cottage, Mill Lane") and the other words, abbreviations expanded."""
    parts = [normalise_name(part).split() for part in text.split(",")]
    parts = [[_ADDRESS_WORDS.get(w, w) for w in part] for part in parts if part]
    words = [w for part in parts for w in part]
    first = parts[0] if parts else []
    named = len(parts) > 1 and not any(w[0].isdigit() for w in first)
    return AddressWords(
        numbers=frozenset(w for w in words if w[0].isdigit()),
        house_name=tuple(first) if named else (),
        words=tuple(w for w in words if not w[0].isdigit()),
    )


# --- the query, parsed once ---------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """What was typed, read every way it could be meant, once for the whole register."""

    text: str
    email: str | None
    phone: str | None
    postcode: str | None
    outward: str | None
    uprn: str | None
    name: tuple[str, ...]
    address: AddressWords
    address_postcode: str | None

    @classmethod
    def of(cls, text: str) -> Query:
        """Read ``text`` as every kind of identifier, name and address it might be."""
        stripped = text.strip()
        email = stripped.casefold() if "@" in stripped else None
        rest, typed_postcode = _split_postcode(stripped)
        return cls(
            text=stripped,
            email=email,
            phone=None if email else normalise_phone(stripped),
            postcode=normalise_postcode(stripped),
            outward=_outward_code(stripped),
            uprn=_uprn(stripped),
            name=() if email else name_words(stripped),
            address=address_words(rest),
            address_postcode=typed_postcode,
        )


def _split_postcode(query: str) -> tuple[str, str | None]:
    """A typed address and the postcode typed at its end, if any."""
    found = _TRAILING_POSTCODE.search(query)
    if found is None:
        return query, None
    return query[: found.start()], normalise_postcode(found.group(1))


# --- scoring ----------------------------------------------------------------------


def _typed_words_agree(typed: tuple[str, ...], recorded: tuple[str, ...]) -> int:
    """The mean agreement of every typed word with a recorded one; 0 when one has none."""
    if not typed or len(typed) > len(recorded):
        return 0
    if not every_word_agrees(typed, recorded, ADDRESS_WORD_FLOOR, nicknames=False):
        return 0
    pairs = aligned(typed, recorded, nicknames=False)
    if len(pairs) < len(typed) or min(score for score, _, _ in pairs) < ADDRESS_WORD_FLOOR:
        return 0
    return round(sum(score for score, _, _ in pairs) / len(pairs))


def _covers(typed: tuple[str, ...], part: tuple[str, ...]) -> bool:
    """Whether every word of ``part`` is among the typed words, give or take a typo."""
    pairs = aligned(part, typed, nicknames=False) if part and len(part) <= len(typed) else []
    return bool(pairs) and min(score for score, _, _ in pairs) >= ADDRESS_WORD_FLOOR


def typed_address_score(typed: AddressWords, recorded: AddressWords) -> int:
    """How closely a typed address agrees with a recorded one; house numbers must be exact."""
    if not typed.numbers <= recorded.numbers:
        return 0
    if not typed.words:
        return 0
    score = _typed_words_agree(typed.words, recorded.words)
    if score == 0:
        return 0
    if typed.numbers:
        return score - (EXTRA_WORD_PENALTY if recorded.numbers - typed.numbers else 0)
    if recorded.house_name and _covers(typed.words, recorded.house_name):
        # "Rose Cottage, Mill Lane" names one home; "Rose Cottage" alone, one of many.
        more = len(typed.words) > len(recorded.house_name)
        return score if more else min(score, HOUSE_NAME_CAP)
    return min(score, ONE_WORD_CAP)  # a street without a number


def address_score(query: str, address: str) -> int:
    """How closely a typed address agrees with a recorded one; house numbers must be exact."""
    return typed_address_score(address_words(query), address_words(address))


def _full_address_score(query: Query, address: str | None, postcode: str | None) -> int:
    if not address:
        return 0
    recorded = address_words(address)
    if query.address_postcode is not None:
        if query.address_postcode != normalise_postcode(postcode or ""):
            return 0  # the same street name in another town
        typed = query.address
        if typed.numbers and not typed.words and typed.numbers <= recorded.numbers:
            return EXACT  # a house number and its full postcode
        if not typed.numbers and typed.words and _covers(typed.words, recorded.house_name):
            return EXACT  # a house name and its full postcode
    return typed_address_score(query.address, recorded)


def _postcode_score(query: Query, postcode: str | None) -> int:
    recorded = normalise_postcode(postcode or "")
    if recorded is None:
        return 0
    if query.postcode == recorded:
        return EXACT
    if query.outward == recorded.split()[0]:
        return OUTWARD_CODE_SCORE
    return 0


def _best(entry_id: str, candidates: Iterable[tuple[int, MatchedOn]]) -> Match | None:
    # Ties go to the first candidate, so exact identifiers are named before a name.
    best: tuple[int, MatchedOn] | None = None
    for score, on in candidates:
        if best is None or score > best[0]:
            best = (score, on)
    if best is None or best[0] < FLOOR:
        return None
    return Match(id=entry_id, score=best[0], matched_on=best[1])


# --- matching ---------------------------------------------------------------------


def _case_candidates(query: Query, entry: CaseEntry) -> Iterable[tuple[int, MatchedOn]]:
    person = entry.person
    if person is None:
        return
    if query.email is not None:
        # An e-mail address is exact or nothing: a near miss is someone else's.
        if any(e.strip().casefold() == query.email for e in person.emails):
            yield EXACT, "email"
        return
    if query.phone is not None and query.phone in {normalise_phone(p) for p in person.phones}:
        yield EXACT, "phone"
    yield _postcode_score(query, person.postcode), "postcode"
    yield _full_address_score(query, person.address, person.postcode), "address"
    yield words_score(query.name, name_words(person.name)), "name"
    for alias in person.aliases:
        yield words_score(query.name, name_words(alias)), "alias"
    for acting in person.representatives:
        yield words_score(query.name, name_words(acting)), "representative"


def _property_candidates(query: Query, entry: PropertyEntry) -> Iterable[tuple[int, MatchedOn]]:
    if query.uprn is not None and entry.uprn is not None and query.uprn == _uprn(entry.uprn):
        yield EXACT, "uprn"
    yield _postcode_score(query, entry.postcode), "postcode"
    yield _full_address_score(query, entry.address, entry.postcode), "address"


def match_entry(query: str | Query, entry: CaseEntry | PropertyEntry) -> Match | None:
    """The best match of ``query`` against a person or property on the register, or None."""
    parsed = query if isinstance(query, Query) else Query.of(query)
    if not parsed.text:
        return None
    if isinstance(entry, CaseEntry):
        if not entry.on_register:
            return None
        return _best(entry.id, _case_candidates(parsed, entry))
    if not entry.in_force:
        return None
    return _best(entry.id, _property_candidates(parsed, entry))


def match_case_entry(query: str | Query, entry: CaseEntry) -> Match | None:
    """The best match of ``query`` against a person on the register, or None."""
    return match_entry(query, entry)


def match_property_entry(query: str | Query, entry: PropertyEntry) -> Match | None:
    """The best match of ``query`` against a property whose risk is in force, or None."""
    return match_entry(query, entry)


def ranked(matches: Iterable[Match]) -> list[Match]:
    """Best first; at equal scores an exact identifier before a name, then by id."""
    return sorted(matches, key=lambda m: (-m.score, not m.identifier, m.id))


def shortlist(matches: Iterable[Match]) -> list[Match]:
    """What staff are shown: the sure matches, best first; then every plausible property
    match, since a property's risk shows on any; and when nothing is sure, the few closest
    possible matches of people (a longer list is noise: staff narrow the search instead)."""
    plausible = ranked(m for m in matches if m.score >= POSSIBLE)
    sure = [m for m in plausible if m.sure]
    properties = [m for m in plausible if not m.sure and is_property(m.id)]
    people = [] if sure else [m for m in plausible if not is_property(m.id)]
    return sure + properties + people[:MAX_POSSIBLE]


def lookup(
    query: str, entries: Iterable[CaseEntry | PropertyEntry], threshold: int = SURE
) -> list[Match]:
    """Every entry matching at ``threshold`` or above, best first; empty when none does."""
    parsed = Query.of(query)
    found = [
        m for e in entries if (m := match_entry(parsed, e)) is not None and m.score >= threshold
    ]
    return ranked(found)
