"""How well `ucbr lookup` finds the right entry, and how rarely it finds a stranger.

    python benchmarks/lookup_quality.py [--people 10000] [--per-kind 100] [--seed 1] [--json]

A register of fictional people and properties is generated (the entries frontline staff
read: names, aliases, addresses, postcodes, phones, e-mails, UPRNs), and from it a set
of labelled queries, each naming the entry it should find, or none:

- names as recorded, with a typo, with two letters transposed, surname first, with a
  nickname (Bob for Robert, Peggy for Margaret), without accents or transliterated
  (Mueller for Müller), and a married or maiden name recorded as an alias;
- identifiers: e-mails in any case, phones in every UK format, postcodes with and
  without the space, a house number with its postcode, a UPRN;
- addresses: number and street, a house name with its street instead of the number;
- people and places not on the register.

Each query goes through the same matching and shortlist `ucbr lookup` uses
(``ucbr.domain.matching``). As MoJ's Splink evaluates record linkage against labelled
pairs, it reports recall (the right entry among the first three shown), whether an exact
identifier puts it first, and, for people not on the register, the entries shown per
query that are false (possible and sure). Targets: recall >= 0.99; at most one possible
match per ten absent queries; exact identifiers always first.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ucbr.domain.ids import CROCKFORD
from ucbr.domain.matching import Match, Query, match_entry, shortlist
from ucbr.domain.model import Person
from ucbr.domain.sections import CaseEntry, PropertyEntry

Entry = CaseEntry | PropertyEntry
TARGET_RECALL = 0.99
TARGET_ABSENT_POSSIBLE = 0.1


def _words(text: str, sep: str | None = None) -> tuple[str, ...]:
    """A word list written as prose (reads better than a column of quoted names)."""
    return tuple(text.split(sep))


# Given names, most common first (a rough Zipf weight is given by position). Formal names
# with well-known nicknames are among them, and names with accents.
FIRST = _words(
    "Oliver Amelia George Olivia Harry Isla Jack Emily Noah Ava Charlie Sophie Thomas Grace "
    "Robert Margaret William Elizabeth James Catherine Richard Patricia Edward Susan Michael "
    "Jennifer Christopher Deborah Anthony Rebecca Stephen Victoria Alexander Dorothy Joseph "
    "Kathleen Daniel Samuel Benjamin Henry Frederick Jacqueline Theodore Matilda Florence "
    "Priya Aisha Mohammed Fatima Tariq Anjali Ravi Wei Mei Kwame Chidi Amara Callum Eilidh "
    "Rhiannon Ioan Siobhán Zoë Chloé José Łukasz Agnieszka Jürgen Bjørn Noémie Søren Ana "
    "Freya Arthur Evie Alfie Poppy Leo Ella Archie Ruby Oscar Lily Jacob Mia Logan Daisy "
    "Ethan Holly Lucas Imogen Mason Erin Isaac Megan Finley Niamh Dylan Caitlin Owen Seren"
)
# Surnames: the common ones (top of a long tail), then made-up rare ones built from parts.
COMMON_SURNAMES = _words(
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson "
    "Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson "
    "Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan "
    "Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell "
    "Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan "
    "Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb "
    "Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes "
    "Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Graham "
    "Pearson Ahmed Fletcher Walsh Kaur Gibson Howard Andrews Stewart Elliott Reynolds "
    "Saunders Payne Fox Ford Pearce Day Brooks West Lawrence Cole Atkinson Bradley Spencer "
    "Gill Dawson Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant Wells Armstrong "
    "Francis Rees Hayes Hart Hudson Newman Barrett Webster Hunter Gregory Carr Lowe Page "
    "Nowak Kowalski Müller Núñez Nguyen Okafor Mensah Fernández Şahin Dąbrowski"
)
RARE_START = "Ash Brack Copper Dun Elm Fox Grey Hart Ingle Juni Kes Lark Mill Nettle Oak Pebble"
RARE_END = "wood field leigh more worth hollow stone well brook per trel spur bank ford hurst ton"
# Street names and kinds: 400 streets in each of six towns, about a district's number.
STREET_NAMES = _words(
    "Mill Church High Station Park Victoria Manor Bridge Queens Meadow Orchard Chapel Kiln "
    "Heron Acorn Beacon Ferry Granary Dovecote Willow Back Brook Burford Corn Crawley Dark "
    "Farm Green Hill Ladburn Market New Oxford Quarry Rectory School Springfield Tower "
    "Woodstock Ash"
)
STREET_KINDS = _words("Lane Street Road Avenue Close Way Drive Gardens Crescent Row")
TOWNS = ("Witney", "Carterton", "Chipping Norton", "Woodstock", "Burford", "Eynsham")
OUTWARD = ("OX28", "OX29", "OX18", "OX7", "OX20", "OX25", "GL56", "GL54")
HOUSE_NAMES = _words(
    "Rose Cottage|Ivy House|The Old Forge|Orchard View|Meadow Barn|Holly Lodge|The Laurels|"
    "Willow Cottage|Stable End|Hillcrest|The Granary|Fern Lea|The Old Rectory|Church View|"
    "Hawthorn Cottage|The Coach House|Brook House|Yew Tree Cottage|The Old School|"
    "Beech House|Primrose Cottage|Swallows Rest|The Barn|Lavender Cottage",
    "|",
)
# Nicknames used in queries: the truth, written by hand, not taken from ucbr's own data.
NICKNAMES = {
    "Robert": ("Bob", "Rob", "Bobby"),
    "Margaret": ("Peggy", "Maggie", "Meg"),
    "William": ("Bill", "Will"),
    "Elizabeth": ("Liz", "Beth", "Betty"),
    "James": ("Jim", "Jimmy"),
    "Catherine": ("Kate", "Cathy"),
    "Richard": ("Dick", "Rick"),
    "Patricia": ("Pat", "Trish"),
    "Edward": ("Ted", "Eddie"),
    "Susan": ("Sue", "Susie"),
    "Michael": ("Mike", "Mick"),
    "Jennifer": ("Jenny", "Jen"),
    "Christopher": ("Chris", "Kit"),
    "Anthony": ("Tony",),
    "Stephen": ("Steve",),
    "Victoria": ("Vicky", "Tori"),
    "Alexander": ("Alex", "Sandy"),
    "Dorothy": ("Dot", "Dolly"),
    "Joseph": ("Joe",),
    "Kathleen": ("Kath", "Kathy"),
    "Daniel": ("Dan", "Danny"),
    "Samuel": ("Sam",),
    "Benjamin": ("Ben",),
    "Henry": ("Harry", "Hal"),
    "Frederick": ("Fred", "Freddie"),
    "Jacqueline": ("Jackie",),
    "Theodore": ("Theo", "Ted"),
    "Matilda": ("Tilly",),
    "Florence": ("Flo",),
    "Deborah": ("Debbie", "Deb"),
    "Rebecca": ("Becky",),
    "Thomas": ("Tom", "Tommy"),
}
# Spellings of one name in another script or tradition.
TRANSLITERATIONS = {
    "Müller": ("Mueller", "Muller"),
    "Mohammed": ("Muhammad", "Mohamed", "Mohammad"),
    "Jürgen": ("Juergen",),
    "Søren": ("Soren", "Soeren"),
    "Bjørn": ("Bjorn", "Bjoern"),
    "Łukasz": ("Lukasz",),
    "Dąbrowski": ("Dabrowski",),
    "Şahin": ("Sahin",),
    "Fernández": ("Fernandez",),
    "Núñez": ("Nunez",),
    "Zoë": ("Zoe",),
    "Chloé": ("Chloe",),
    "Siobhán": ("Siobhan",),
    "Noémie": ("Noemie",),
    "José": ("Jose",),
    "Nguyen": ("Nguyễn",),
}


def _zipf(rng: random.Random, items: tuple[str, ...] | list[str]) -> str:
    weights = [1 / (rank + 20) for rank in range(len(items))]
    return rng.choices(items, weights=weights)[0]


@dataclass
class World:
    """The generated register: entries, and the people behind them."""

    rng: random.Random
    people: dict[str, Person] = field(default_factory=dict)
    properties: dict[str, PropertyEntry] = field(default_factory=dict)
    used_ids: set[str] = field(default_factory=set)
    addresses: set[str] = field(default_factory=set)
    postcodes: dict[tuple[str, str, int], str] = field(default_factory=dict)

    def new_id(self, prefix: str) -> str:
        while True:
            candidate = f"{prefix}-" + "".join(self.rng.choice(CROCKFORD) for _ in range(8))
            if candidate not in self.used_ids:
                self.used_ids.add(candidate)
                return candidate

    def entries(self) -> list[Entry]:
        cases: list[Entry] = [
            CaseEntry(id=case_id, on_register=True, person=person)
            for case_id, person in self.people.items()
        ]
        return cases + list(self.properties.values())


def surname(rng: random.Random) -> str:
    if rng.random() < 0.55:
        return _zipf(rng, COMMON_SURNAMES)
    return rng.choice(RARE_START.split()) + rng.choice(RARE_END.split())


def postcode_of(world: World, street: str, town: str, number: int) -> str:
    """The postcode of a stretch of ten numbers of a street in a town: a postcode covers a
    few neighbouring homes, and every home there shares it, as in life."""
    key = (street, town, number // 10)
    if key not in world.postcodes:
        rng, letters = world.rng, "ABDEFGHJLNPQRSTUWXYZ"
        world.postcodes[key] = (
            f"{rng.choice(OUTWARD)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
        )
    return world.postcodes[key]


def home(world: World, keep: bool = True) -> tuple[str, str]:
    """The address of a home no one on the register lives in (kept as taken, if ``keep``),
    and its postcode. A home is a number on a street, or a name on a street; a numbered
    home may also have a name, or be a flat."""
    rng = world.rng
    while True:
        street = f"{rng.choice(STREET_NAMES)} {rng.choice(STREET_KINDS)}"
        town, number = rng.choice(TOWNS), rng.randint(1, 200)
        named = rng.random() < 0.1
        key = f"{rng.choice(HOUSE_NAMES) if named else number}|{street}|{town}"
        if key not in world.addresses:
            break
    if keep:
        world.addresses.add(key)
    if named:
        made = f"{key.split('|')[0]}, {street}, {town}"  # a name and no number
    else:
        made = _numbered(rng, number, street, town)
    return made, postcode_of(world, street, town, number)


def _numbered(rng: random.Random, number: int, street: str, town: str) -> str:
    roll = rng.random()
    if roll < 0.12:
        return f"{rng.choice(HOUSE_NAMES)}, {number} {street}, {town}"
    if roll < 0.24:
        return f"Flat {rng.randint(1, 12)}, {number} {street}, {town}"
    return f"{number} {street}, {town}"


def ascii_fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def person(world: World, keep: bool = True) -> Person:
    rng = world.rng
    first, last = _zipf(rng, FIRST), surname(rng)
    number = rng.randint(1, 9999)
    aliases: tuple[str, ...] = ()
    if rng.random() < 0.15:
        aliases = (f"{first} {surname(rng)}",)  # a married or maiden name
    mobile = rng.random() < 0.6
    phone = (
        f"07{rng.randint(100, 999)} {rng.randint(100000, 999999)}"
        if mobile
        else f"01{rng.randint(200, 999)} {rng.randint(100000, 999999)}"
    )
    mail = f"{ascii_fold(first).lower()}.{ascii_fold(last).lower().replace(' ', '')}{number}"
    address, code = home(world, keep)
    return Person(
        name=f"{first} {last}",
        aliases=aliases,
        address=address,
        postcode=code,
        emails=(f"{mail.replace(chr(39), '')}@example.org",),
        phones=(phone,),
    )


def build(people: int, properties: int, seed: int) -> World:
    world = World(random.Random(seed))
    for _ in range(people):
        world.people[world.new_id("C")] = person(world)
    for _ in range(properties):
        property_id = world.new_id("P")
        address, code = home(world)
        world.properties[property_id] = PropertyEntry(
            id=property_id,
            in_force=True,
            address=address,
            postcode=code,
            uprn=str(world.rng.randint(10**8, 10**11)),
            risks=("dangerous_animal",),
            guidance="Attend in pairs.",
        )
    return world


# --- the labelled queries ---------------------------------------------------------------

Labelled = tuple[str, str, str | None]  # (kind, query, the id it should find or None)


def typo(rng: random.Random, word: str) -> str:
    at = rng.randrange(1, len(word) - 1)
    roll = rng.random()
    if roll < 0.34:
        return word[:at] + word[at + 1 :]  # a letter missed
    if roll < 0.67:
        return word[:at] + word[at] + word[at:]  # a letter doubled
    return word[:at] + rng.choice("aeiou") + word[at + 1 :]  # a vowel wrong


def transpose(rng: random.Random, word: str) -> str:
    at = rng.randrange(1, len(word) - 1)
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


def _longest_word_changed(name: str, change: Callable[[str], str]) -> str:
    words = name.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    words[longest] = change(words[longest])
    return " ".join(words)


def phone_formats(phone: str) -> list[str]:
    digits = phone.replace(" ", "")
    national = digits[1:]
    area, local = phone.split()
    return [
        phone,
        digits,
        f"+44 {national[: len(area) - 1]} {local}",
        f"+44{national}",
        f"0044 {area[1:]} {local}",
        f"({area}) {local}",
        f"+44 (0){area[1:]} {local}",
        f"{area}-{local[:3]}-{local[3:]}",
    ]


def name_queries(world: World, per_kind: int) -> Iterator[Labelled]:
    rng = world.rng
    ids = list(world.people)
    for case_id in rng.sample(ids, per_kind):
        yield "name as recorded", world.people[case_id].name, case_id
    for case_id in rng.sample(ids, per_kind):
        name = world.people[case_id].name
        yield "name with a typo", _longest_word_changed(name, lambda w: typo(rng, w)), case_id
    for case_id in rng.sample(ids, per_kind):
        name = world.people[case_id].name
        transposed = _longest_word_changed(name, lambda w: transpose(rng, w))
        yield "name with letters transposed", transposed, case_id
    for case_id in rng.sample(ids, per_kind):
        first, last = world.people[case_id].name.split(" ", 1)
        swapped = f"{last}, {first}" if rng.random() < 0.5 else f"{last} {first}"
        yield "surname first", swapped, case_id
    nicknamed = [c for c in ids if world.people[c].name.split()[0] in NICKNAMES]
    for case_id in rng.sample(nicknamed, min(per_kind, len(nicknamed))):
        first, last = world.people[case_id].name.split(" ", 1)
        yield "nickname", f"{rng.choice(NICKNAMES[first])} {last}", case_id
    varied = [c for c in ids if any(w in TRANSLITERATIONS for w in world.people[c].name.split())]
    for case_id in rng.sample(varied, min(per_kind, len(varied))):
        words = world.people[case_id].name.split()
        spelt = [rng.choice(TRANSLITERATIONS[w]) if w in TRANSLITERATIONS else w for w in words]
        yield "accents or transliteration", " ".join(spelt), case_id
    aliased = [c for c in ids if world.people[c].aliases]
    for case_id in rng.sample(aliased, min(per_kind, len(aliased))):
        yield "married or maiden name (alias)", world.people[case_id].aliases[0], case_id


def identifier_queries(world: World, per_kind: int) -> Iterator[Labelled]:
    rng = world.rng
    ids = list(world.people)
    for case_id in rng.sample(ids, per_kind):
        mail = world.people[case_id].emails[0]
        yield "e-mail", mail.upper() if rng.random() < 0.3 else mail, case_id
    for case_id in rng.sample(ids, per_kind):
        formats = phone_formats(world.people[case_id].phones[0])
        yield "phone, any UK format", rng.choice(formats), case_id
    for case_id in rng.sample(ids, per_kind):
        code = world.people[case_id].postcode or ""
        yield (
            "postcode, with or without the space",
            rng.choice([code, code.replace(" ", ""), code.lower()]),
            case_id,
        )
    # A house number and its postcode name one home (a flat needs its flat number too).
    houses = [c for c in ids if (world.people[c].address or "")[0].isdigit()]
    for case_id in rng.sample(houses, per_kind):
        found = world.people[case_id]
        number = (found.address or "").split()[0]
        yield "house number and postcode", f"{number}, {found.postcode}", case_id
    for property_id in rng.sample(list(world.properties), min(per_kind, len(world.properties))):
        yield "UPRN", world.properties[property_id].uprn or "", property_id


def address_queries(world: World, per_kind: int) -> Iterator[Labelled]:
    rng = world.rng
    people = world.people
    numbered = [c for c in people if any(ch.isdigit() for ch in people[c].address or "")]
    for case_id in rng.sample(numbered, per_kind):
        parts = [p.strip() for p in (people[case_id].address or "").split(",")]
        street = next(p for p in parts if p[0].isdigit())
        yield "number and street (a house name or flat left out)", street, case_id
    named = [c for c in people if (people[c].address or "").split(",")[0] in HOUSE_NAMES]
    for case_id in rng.sample(named, min(per_kind, len(named))):
        parts = [p.strip() for p in (people[case_id].address or "").split(",")]
        street = " ".join(w for w in parts[1].split() if not w.isdigit())
        yield "house name and street, no number", f"{parts[0]}, {street}", case_id
    named_props = [
        p for p, e in world.properties.items() if (e.address or "").split(",")[0] in HOUSE_NAMES
    ]
    for property_id in rng.sample(named_props, min(per_kind, len(named_props))):
        house = (world.properties[property_id].address or "").split(",")[0]
        yield PROPERTY_BY_NAME, house.lower(), property_id


def absent_queries(world: World, per_kind: int) -> Iterator[Labelled]:
    rng = world.rng
    names = {p.name for p in world.people.values()} | {
        a for p in world.people.values() for a in p.aliases
    }
    made = 0
    while made < per_kind * 3:
        candidate = person(world, keep=False)
        if candidate.name in names:
            continue
        made += 1
        yield "absent: a name not on the register", candidate.name, None
    for _ in range(per_kind):
        yield "absent: an address not on the register", f"{rng.randint(201, 400)} Mill Lane", None


def queries(world: World, per_kind: int) -> list[Labelled]:
    return [
        *name_queries(world, per_kind),
        *identifier_queries(world, per_kind),
        *address_queries(world, per_kind),
        *absent_queries(world, per_kind),
    ]


# --- evaluation ---------------------------------------------------------------------------

PROPERTY_BY_NAME = "property by house name alone (risk shown: anywhere in the list)"
SHOWN_ANYWHERE = frozenset({PROPERTY_BY_NAME})
IDENTIFIER_KINDS = frozenset(
    {"e-mail", "phone, any UK format", "house number and postcode", "UPRN"}
)


@dataclass
class Tally:
    queries: int = 0
    found_at_1: int = 0
    found_in_3: int = 0
    shown: int = 0
    false_possible: int = 0
    false_sure: int = 0


def shown_for(query: str, entries: list[Entry]) -> list[Match]:
    parsed = Query.of(query)
    return shortlist(m for e in entries if (m := match_entry(parsed, e)) is not None)


def evaluate(world: World, labelled: list[Labelled]) -> dict[str, Tally]:
    entries = world.entries()
    tallies: dict[str, Tally] = defaultdict(Tally)
    for kind, query, expected in labelled:
        shown = shown_for(query, entries)
        tally = tallies[kind]
        tally.queries += 1
        tally.shown += len(shown)
        ids = [m.id for m in shown]
        if expected is None:
            tally.false_possible += sum(not m.sure for m in shown)
            tally.false_sure += sum(m.sure for m in shown)
            continue
        tally.found_at_1 += ids[:1] == [expected]
        # A property's risk must show on any plausible match, however many there are.
        window = len(ids) if kind in SHOWN_ANYWHERE else 3
        tally.found_in_3 += expected in ids[:window]
    return tallies


def summary(tallies: dict[str, Tally]) -> dict[str, float]:
    present = [t for k, t in tallies.items() if not k.startswith("absent")]
    absent = [t for k, t in tallies.items() if k.startswith("absent")]
    identifiers = [t for k, t in tallies.items() if k in IDENTIFIER_KINDS]
    queries = sum(t.queries for t in present)
    absent_queries = sum(t.queries for t in absent)
    return {
        "recall_at_3": sum(t.found_in_3 for t in present) / queries,
        "identifier_first": sum(t.found_at_1 for t in identifiers)
        / sum(t.queries for t in identifiers),
        "absent_possible_per_query": sum(t.false_possible for t in absent) / absent_queries,
        "absent_sure_per_query": sum(t.false_sure for t in absent) / absent_queries,
    }


def report(tallies: dict[str, Tally], figures: dict[str, float], took: float) -> str:
    lines = [
        "| queries of this kind | n | right entry first | in first 3 | shown per query |",
        "|---|---|---|---|---|",
    ]
    for kind, t in tallies.items():
        if kind.startswith("absent"):
            continue
        lines.append(
            f"| {kind} | {t.queries} | {t.found_at_1 / t.queries:.3f} | "
            f"{t.found_in_3 / t.queries:.3f} | {t.shown / t.queries:.2f} |"
        )
    lines += [
        "",
        "| absent | n | false possible per query | false sure per query |",
        "|---|---|---|---|",
    ]
    for kind, t in tallies.items():
        if kind.startswith("absent"):
            lines.append(
                f"| {kind.removeprefix('absent: ')} | {t.queries} | "
                f"{t.false_possible / t.queries:.3f} | {t.false_sure / t.queries:.3f} |"
            )
    lines += [
        "",
        f"recall@3 {figures['recall_at_3']:.4f} (target >= {TARGET_RECALL})",
        f"exact identifiers first {figures['identifier_first']:.4f} (target 1.0)",
        f"absent: {figures['absent_possible_per_query']:.3f} possible matches per query "
        f"(target <= {TARGET_ABSENT_POSSIBLE}), {figures['absent_sure_per_query']:.3f} sure",
        f"({took:.1f} s)",
    ]
    return "\n".join(lines)


def met(figures: dict[str, float]) -> bool:
    return (
        figures["recall_at_3"] >= TARGET_RECALL
        and figures["identifier_first"] == 1.0
        and figures["absent_possible_per_query"] <= TARGET_ABSENT_POSSIBLE
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--properties", type=int, default=None, help="default: one per 50")
    parser.add_argument("--per-kind", type=int, default=100, help="queries of each kind")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    properties = args.properties if args.properties is not None else max(20, args.people // 50)
    world = build(args.people, properties, args.seed)
    tallies = evaluate(world, queries(world, args.per_kind))
    figures = summary(tallies)
    took = time.perf_counter() - started
    if args.json:
        data = {"figures": figures, "kinds": {k: vars(t) for k, t in tallies.items()}}
        print(json.dumps(data, indent=2))
    else:
        print(f"{args.people} people, {properties} properties, seed {args.seed}")
        print(report(tallies, figures, took))
    return 0 if met(figures) else 1


if __name__ == "__main__":
    sys.exit(main())
