"""Finding register entries before contact, without finding strangers."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ucbr.domain.matching import (
    POSSIBLE,
    SURE,
    Match,
    Query,
    lookup,
    match_case_entry,
    match_entry,
    match_property_entry,
    normalise_name,
    normalise_phone,
    normalise_postcode,
    shortlist,
)
from ucbr.domain.model import Person
from ucbr.domain.sections import CaseEntry, PropertyEntry


def case_entry(id: str = "C-0000000A", on_register: bool = True, **person: object) -> CaseEntry:
    details: dict[str, object] = {
        "name": "John Smith",
        "aliases": ("Johnny Smithers",),
        "address": "12 Bridge Street, Witney",
        "postcode": "OX28 1NB",
        "emails": ("J.Smith@Example.org",),
        "phones": ("01993 123456",),
    }
    details.update(person)
    return CaseEntry(id=id, on_register=on_register, person=Person.model_validate(details))


def property_entry(
    id: str = "P-0000000B",
    in_force: bool = True,
    address: str = "Flat 3, 14 Mill Lane, Witney",
    postcode: str = "OX29 4AB",
    uprn: str | None = "100120000123",
) -> PropertyEntry:
    return PropertyEntry(id=id, in_force=in_force, address=address, postcode=postcode, uprn=uprn)


# --- names ------------------------------------------------------------------------


def test_exact_name_is_a_certain_match() -> None:
    """Typing the name as recorded finds the entry with score 100."""
    assert lookup("John Smith", [case_entry()]) == [Match("C-0000000A", 100, "name")]


def test_small_typos_still_find_the_name_as_a_possible_match() -> None:
    """A missing letter and swapped letters ("Jon Smtih") find John Smith, but only as a
    possible match: one slip from Smith is also Smyth, who is someone else."""
    found = lookup("Jon Smtih", [case_entry()], threshold=POSSIBLE)
    assert [m.id for m in found] == ["C-0000000A"]
    assert POSSIBLE <= found[0].score < SURE
    assert lookup("Jon Smtih", [case_entry()]) == []


def test_a_nickname_finds_the_name() -> None:
    """ "Bob Smith" finds Robert Smith and "Peggy Jones" finds Margaret Jones, as matches."""
    robert = case_entry(name="Robert Smith", aliases=())
    margaret = case_entry(id="C-0000000C", name="Margaret Jones", aliases=())
    assert lookup("Bob Smith", [robert, margaret]) == [Match("C-0000000A", 95, "name")]
    assert [m.id for m in lookup("Peggy Jones", [robert, margaret])] == ["C-0000000C"]
    assert lookup("Kate Jones", [case_entry(name="Catherine Jones")])[0].score >= SURE


def test_a_transliteration_finds_the_name() -> None:
    """ "Mueller" finds Müller: the same letters written without the umlaut."""
    entry = case_entry(name="Jürgen Müller", aliases=())
    assert [m.id for m in lookup("Juergen Mueller", [entry])] == ["C-0000000A"]


def test_another_name_one_letter_apart_is_not_a_match() -> None:
    """Harry Parker is not shown Harry Barker's restrictions: at most a possible match."""
    barker = case_entry(name="Harry Barker", aliases=())
    assert lookup("Harry Parker", [barker]) == []
    found = match_case_entry("Harry Parker", barker)
    assert found is not None and found.score < SURE


def test_nicknames_of_one_nickname_are_different_names() -> None:
    """William and Robert are both "Bill", but William Jones is not Robert Jones."""
    assert match_case_entry("William Jones", case_entry(name="Robert Jones")) is None


def test_a_different_person_is_not_found() -> None:
    """ "Mary Jones" finds nothing for John Smith, and neither does "Jane Smith"."""
    assert lookup("Mary Jones", [case_entry()]) == []
    assert lookup("Jane Smith", [case_entry()]) == []
    assert match_case_entry("Mary Jones", case_entry()) is None


def test_word_order_does_not_matter() -> None:
    """ "Smith John" (surname first, as on many forms) finds John Smith."""
    assert lookup("Smith, John", [case_entry()]) == [Match("C-0000000A", 100, "name")]


def test_accents_and_case_are_ignored() -> None:
    """ "ZOE" and "zoe" both find Zoë Ní Bhriain."""
    entry = case_entry(name="Zoë Ní Bhriain")
    assert normalise_name("Zoë") == normalise_name("zoe") == "zoe"
    assert lookup("ZOE NI BHRIAIN", [entry]) == [Match("C-0000000A", 100, "name")]


def test_apostrophes_and_hyphens_in_names() -> None:
    """O'Neil is ONeil, and a double-barrelled name matches with or without its hyphen."""
    assert normalise_name("  Seán  O’Neil-Hughes ") == "sean oneil hughes"
    entry = case_entry(name="Sean O'Neil-Hughes")
    assert lookup("sean oneil hughes", [entry])[0].score == 100


def test_aliases_are_matched_and_say_so() -> None:
    """A known alias finds the entry, and the match says it was on an alias."""
    assert lookup("johnny smithers", [case_entry()]) == [Match("C-0000000A", 100, "alias")]


def test_one_word_is_only_a_possible_match() -> None:
    """A surname alone names many people: it scores below the default threshold, not 100."""
    possible = match_case_entry("Smith", case_entry())
    assert possible is not None and possible.score < 80
    assert lookup("Smith", [case_entry()]) == []
    assert lookup("Smith", [case_entry()], threshold=60) == [possible]


def test_a_middle_name_lowers_the_score_a_little() -> None:
    """ "John Paul Smith" is very likely John Smith, but not certainly."""
    found = match_case_entry("John Paul Smith", case_entry())
    assert found is not None and 80 <= found.score < 100


@given(st.sampled_from(["Zoë Brontë", "José Núñez", "Anaïs Lefèvre", "Łukasz Żółw"]), st.data())
def test_name_match_is_invariant_under_case_and_accents(name: str, data: st.DataObject) -> None:
    """Any mix of upper and lower case, with or without accents, finds the name exactly."""
    plain = normalise_name(name)
    flips = data.draw(st.lists(st.booleans(), min_size=len(plain), max_size=len(plain)))
    typed = "".join(c.upper() if up else c for c, up in zip(plain, flips, strict=True))
    entry = case_entry(name=name)
    assert lookup(typed, [entry]) == [Match("C-0000000A", 100, "name")]
    assert lookup(name.upper(), [entry]) == [Match("C-0000000A", 100, "name")]


# --- e-mail, phone, postcode ------------------------------------------------------


def test_email_matches_ignoring_case() -> None:
    """An e-mail address matches whatever its case."""
    assert lookup("j.smith@EXAMPLE.org", [case_entry()]) == [Match("C-0000000A", 100, "email")]


def test_email_must_match_exactly() -> None:
    """A near-miss e-mail is someone else's address, so it finds nothing."""
    assert lookup("j.smith@example.com", [case_entry()]) == []
    assert match_case_entry("j.smyth@example.org", case_entry()) is None


@pytest.mark.parametrize(
    "typed",
    ["01993 123456", "+44 1993 123456", "+441993123456", "(01993) 123456", "0044 1993 123456"],
)
def test_phone_matches_in_any_format(typed: str) -> None:
    """National, international and bracketed forms of one number all find the entry."""
    assert normalise_phone(typed) == "+441993123456"
    assert lookup(typed, [case_entry()]) == [Match("C-0000000A", 100, "phone")]


def test_a_different_phone_number_finds_nothing() -> None:
    """One digit different is a different phone."""
    assert lookup("01993 123457", [case_entry()]) == []


def test_text_is_not_a_phone_number() -> None:
    """Words, and numbers too short to dial, do not normalise to a phone number."""
    assert normalise_phone("John Smith") is None
    assert normalise_phone("12") is None


@given(st.integers(min_value=0, max_value=999_999), st.sampled_from(["1993", "1865", "7700"]))
def test_phone_formats_round_trip_to_one_number(local: int, area: str) -> None:
    """Every way phonenumbers writes a UK number normalises back to the same E.164."""
    e164 = f"+44{area}{local:06d}"
    number = phonenumbers.parse(e164, "GB")
    for style in (
        phonenumbers.PhoneNumberFormat.NATIONAL,
        phonenumbers.PhoneNumberFormat.INTERNATIONAL,
        phonenumbers.PhoneNumberFormat.E164,
    ):
        written = phonenumbers.format_number(number, style)
        assert normalise_phone(written) == e164
        assert normalise_phone(written.replace(" ", "")) == e164


@pytest.mark.parametrize("typed", ["OX28 1NB", "ox28 1nb", "ox281nb", " Ox28  1Nb "])
def test_postcode_matches_whatever_the_spacing_and_case(typed: str) -> None:
    """A full postcode finds the entry however it is spaced or cased."""
    assert normalise_postcode(typed) == "OX28 1NB"
    assert lookup(typed, [case_entry()]) == [Match("C-0000000A", 100, "postcode")]


def test_non_postcodes_do_not_normalise() -> None:
    """Something that is not UK-shaped is not a postcode."""
    assert normalise_postcode("12345") is None
    assert normalise_postcode("OX28") is None
    assert normalise_postcode("John Smith") is None


def test_outward_code_alone_is_only_a_hint() -> None:
    """A postcode district is thousands of homes: "OX28" is a weak match, below threshold."""
    hint = match_case_entry("OX28", case_entry())
    assert hint is not None and hint.matched_on == "postcode" and hint.score < 80
    assert lookup("OX28", [case_entry()]) == []


# --- properties -------------------------------------------------------------------


def test_property_by_uprn() -> None:
    """A UPRN matches exactly, zero-padded or not."""
    assert lookup("100120000123", [property_entry()]) == [Match("P-0000000B", 100, "uprn")]
    assert lookup("000000123456", [property_entry(uprn="123456")]) == [
        Match("P-0000000B", 100, "uprn")
    ]
    assert lookup("100120000124", [property_entry()]) == []


def test_property_by_postcode() -> None:
    """A property is found by its full postcode."""
    assert lookup("ox29 4ab", [property_entry()]) == [Match("P-0000000B", 100, "postcode")]


def test_property_by_address_allowing_abbreviations_and_typos() -> None:
    """ "Flat 3, 14 Mill Ln" and "flat 3 14 mil lane" find Flat 3, 14 Mill Lane, Witney."""
    assert lookup("Flat 3, 14 Mill Ln", [property_entry()]) == [Match("P-0000000B", 100, "address")]
    assert [m.id for m in lookup("flat 3 14 mil lane", [property_entry()])] == ["P-0000000B"]


def test_a_different_house_number_is_a_different_home() -> None:
    """12 Mill Lane is not 14 Mill Lane, however close the words."""
    assert lookup("12 Mill Lane", [property_entry()]) == []


def test_a_street_without_a_number_is_only_a_possible_match() -> None:
    """ "Mill Lane" names the whole street, so it scores below the default threshold."""
    possible = match_property_entry("Mill Lane", property_entry())
    assert possible is not None and possible.score < 80


def test_a_named_home_is_found_by_its_whole_name() -> None:
    """ "Rose Cottage, Mill Lane" finds the cottage; "Rose Cottage" alone does not."""
    cottage = property_entry(address="Rose Cottage, Mill Lane, Witney", uprn=None)
    assert lookup("Rose Cottage, Mill Lane", [cottage]) == [Match("P-0000000B", 100, "address")]
    assert lookup("Rose Cottage", [cottage]) == []


def test_address_with_postcode_must_agree_on_the_postcode() -> None:
    """An address typed with its postcode matches; the same street in another postcode does not."""
    assert lookup("14 Mill Lane OX29 4AB", [property_entry()])[0].matched_on == "address"
    assert lookup("14 Mill Lane, OX1 1AA", [property_entry()]) == []


def test_person_found_by_home_address() -> None:
    """Staff at the door can find a listed person by their home address."""
    assert lookup("12 Bridge St", [case_entry()]) == [Match("C-0000000A", 100, "address")]


# --- the register -----------------------------------------------------------------


def test_not_on_the_register_never_matches() -> None:
    """A person with incidents but no restriction in force is not on the register."""
    off = case_entry(on_register=False)
    for query in ("John Smith", "j.smith@example.org", "01993 123456", "OX28 1NB"):
        assert match_case_entry(query, off) is None
        assert lookup(query, [off]) == []


def test_property_risk_not_in_force_never_matches() -> None:
    """A property risk that is not approved, or lifted, is not shown."""
    off = property_entry(in_force=False)
    for query in ("100120000123", "OX29 4AB", "Flat 3, 14 Mill Lane"):
        assert lookup(query, [off]) == []


def test_entry_without_personal_details_never_matches() -> None:
    """An entry section with no person (e.g. after retention) matches nothing."""
    bare = CaseEntry(id="C-0000000A", on_register=True)
    assert lookup("John Smith", [bare]) == []


def test_nothing_found_is_an_empty_list() -> None:
    """No match, or an empty query, gives an empty list rather than an error."""
    entries: list[CaseEntry | PropertyEntry] = [case_entry(), property_entry()]
    assert lookup("Nobody Here", entries) == []
    assert lookup("   ", entries) == []
    assert lookup("John Smith", []) == []


def test_results_come_best_first() -> None:
    """The surest match is listed first, and ties are ordered by id."""
    exact = case_entry(id="C-0000000C", name="Jon Smith", aliases=(), phones=(), emails=())
    close = case_entry(id="C-0000000D", name="John Smith", aliases=(), phones=(), emails=())
    found = lookup("Jon Smith", [close, exact, property_entry()])
    assert [m.id for m in found] == ["C-0000000C", "C-0000000D"]
    assert found[0].score == 100 > found[1].score


# --- names are not addresses; properties show on any plausible match ---------------------


def test_a_name_never_matches_address_words() -> None:
    """ "Jane Smith" finds nothing at 286 Mill Lane ("jane" is one letter from "lane").

    Issue: on a 10,000-case register "Jane Smith" gave 64 possible matches on address.
    """
    entry = case_entry(name="Peter Brown", aliases=(), address="286 Mill Lane, Witney")
    assert match_case_entry("Jane Smith", entry) is None
    lane = property_entry(address="286 Jane Lane, Witney")
    assert match_property_entry("Jane Smith", lane) is None


def test_a_house_number_with_its_postcode_is_an_exact_identifier() -> None:
    """ "14, OX29 4AB" names one home: an exact match, listed before an exact name."""
    found = match_property_entry("14, OX29 4AB", property_entry())
    assert found == Match("P-0000000B", 100, "address") and found.identifier
    namesake = case_entry(id="C-0000000A", name="Flat Mill", aliases=())
    assert match_entry("14 OX29 4AB", namesake) is None


def test_a_house_name_with_its_street_finds_a_numbered_home() -> None:
    """ "Rose Cottage, Mill Lane" finds Rose Cottage, 12 Mill Lane: the name stands for the
    number; the number and street find it too."""
    cottage = case_entry(name="Ann Example", aliases=(), address="Rose Cottage, 12 Mill Lane")
    assert lookup("Rose Cottage, Mill Lane", [cottage])[0].matched_on == "address"
    assert lookup("12 Mill Lane", [cottage])[0].matched_on == "address"


def test_a_property_risk_shows_on_any_plausible_address_match() -> None:
    """ "rose cottage" is only a possible match, yet the property's risk and guidance show.

    Issue: the risk of a dangerous dog at Rose Cottage was hidden behind "confirm date of
    birth"; the cost of a false warning is a careful visit, of a miss an injured officer.
    """
    cottage = property_entry(address="Rose Cottage, Mill Lane, Witney", uprn=None)
    person = case_entry(id="C-0000000C", name="Rose Cottage", aliases=())
    [shown_property] = shortlist([m for m in [match_entry("rose cottage", cottage)] if m])
    assert shown_property.id == "P-0000000B" and not shown_property.sure
    assert shown_property.shows_details
    both = [m for e in (cottage, person) if (m := match_entry("rose cottage", e)) is not None]
    # A sure match of a person does not hide the property.
    assert [m.id for m in shortlist(both)] == ["C-0000000C", "P-0000000B"]


def test_possible_matches_of_people_are_few() -> None:
    """When nothing is sure, at most five possible people are listed, the closest first;
    a property's possible match is listed whatever the count."""
    people = [Match(f"C-0000{n:04d}", 60 + n, "name") for n in range(10)]
    places = [Match(f"P-0000{n:04d}", 61, "address") for n in range(7)]
    shown = shortlist([*people, *places])
    assert [m.id for m in shown if m.id.startswith("C-")] == [
        f"C-0000{n:04d}" for n in (9, 8, 7, 6, 5)
    ]
    assert len([m for m in shown if m.id.startswith("P-")]) == 7


@given(st.sampled_from(["OX28 1NB", "ox281nb", "Ox28 1nB"]))
def test_query_parsed_once_reads_the_postcode_however_typed(typed: str) -> None:
    """A postcode typed any way is the same postcode in the parsed query."""
    assert Query.of(typed).postcode == "OX28 1NB"
