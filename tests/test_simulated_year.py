"""A council's year on the register: officers of every role in their own clones, a bare server
with the hook, the policy clock moving day by day, and the register's promises held after
every day of it."""

from __future__ import annotations

import datetime as dt
import random
import time
from pathlib import Path

import pytest

from tests.council import LIBFAKETIME, Council, drivers_on_path
from tests.council_life import Life, Person, new_people
from tests.council_stories import begin, leaver, lost_key, property_risk

pytestmark = pytest.mark.e2e
needs_faketime = pytest.mark.skipif(not LIBFAKETIME, reason="needs Debian's faketime")


def live(base: Path, seed: int, people: int, months: int) -> Life:
    """Run the council's life for ``months`` from a start in the machine's past (the server's
    hook takes commits only on the day it receives them; its clock is moved to each day),
    checking every promise after each day. Returns the life lived."""
    rng = random.Random(seed)
    end = dt.date.today() - dt.timedelta(days=20)
    start = end - dt.timedelta(days=round(months * 30.5))
    council = Council.found(base, start)
    life = Life(council, rng, new_people(rng, people), out=base / "letters")
    life.out.mkdir(mode=0o700)
    for n, person in enumerate(life.people):
        # In pairs: two stories on the same days, so officers work (and sync) side by side.
        first = start + dt.timedelta(days=1 + 10 * (n // 2))
        begin(life, person, first, ("front", "front2")[n % 2])
    property_risk(life, start + dt.timedelta(days=3))
    arrives = Person("Quinn Reception", "reported", "officer2")
    life.people.append(arrives)
    leaver(life, start + dt.timedelta(days=round(months * 30.5 / 2)), arrives)
    newcomer = Person("Jordan Newcomer", "reported", "officer")
    life.people.append(newcomer)
    rotated = start + dt.timedelta(days=round(months * 30.5 * 0.6))
    lost_key(life, rotated, newcomer, rotated + dt.timedelta(days=14))
    last_full = start
    day: dt.date | None = start
    while day is not None and day <= end:
        council.move_to(day)
        life.morning()
        for step in life.agenda.pop(day, []):
            step()
        listed = life.evening(at_once=True)
        check_the_day(life, listed)
        if (day - last_full).days >= 183:
            check_the_half(life)
            last_full = day
        day = life.next_day(day)
    council.move_to(end)
    check_the_half(life)
    return life


def check_the_day(life: Life, listed: dict[str, object]) -> None:
    """After each day: nothing the morning job lists is due or overdue (everything due was
    done, and what was done is not listed), the clone it ran in is level with the server,
    every clone that synced agrees with it, `check` and the day's `audit` are clean, nothing
    recorded is lost, and each person was last told what frontline staff see."""
    council, day = life.council, life.council.day
    where = f"{day}: " + " | ".join(council.log[-6:])
    assert listed["sync"] == {"upstream": "origin/main", "ahead": 0, "behind": 0}, where
    late = [i for i in life.due if str(i["due"]) <= day.isoformat()]
    assert late == [], f"{where}: due or overdue after the day's work: {late}"
    tip = council.tip()
    for staff_id, seen in council.seen.items():
        if seen == tip:
            assert council.clones[staff_id].state() == (tip, ""), f"{where}: {staff_id}"
    here = council.at_tip()
    checked = here.run("ig", "check")
    assert checked.code == 0, f"{where}: check: {checked.out}{checked.err}"
    audited = here.run("ig", "audit", "--since", day.isoformat())
    assert audited.code == 0, f"{where}: audit: {audited.out}"
    assert life.people_told_what_frontline_sees() == [], where


def check_the_half(life: Life) -> None:
    """Every half year, and at the end: every clone syncs and all agree with the server; the
    whole history audits clean; the scheduler's own `check` is clean."""
    council = life.council
    council.everyone_syncs()
    tip = council.tip()
    for staff_id, clone in council.clones.items():
        assert clone.state() == (tip, ""), f"{council.day}: {staff_id} does not agree"
    audited = council.run("ig", "audit")
    assert audited.code == 0, f"{council.day}: audit: {audited.out}"
    assert council.run("cron", "check").code == 0


@needs_faketime
def test_a_year_of_a_council_keeps_every_promise(tmp_path: Path) -> None:
    """Thirteen months of a council's life, seed fixed: seven people up the ladder (warnings,
    restrictions that end on their date, a premises ban that ends before the rest, appeals
    upheld and varied, contact refused, reviews continued and lifted), a property risk, a
    leaver removed while a colleague and a frontline officer hold unsynced work, a lost key
    replaced, and several officers syncing at once; every promise held after every day."""
    began = time.monotonic()
    with drivers_on_path():
        life = live(tmp_path, seed=2026, people=5, months=13)
    cases = [p for p in life.people if p.case]
    assert len(cases) == 7 and all(p.made for p in cases)
    assert {p.plan for p in cases} == {"reported", "warned", "until", "appeal", "refused", "varied"}
    assert life.council.together >= 3  # officers synced at once, on several days
    print(f"simulated year: {time.monotonic() - began:.1f} s")


@pytest.mark.slow
@needs_faketime
@pytest.mark.parametrize("seed", [1, 7, 42])
def test_longer_lives_keep_every_promise(tmp_path: Path, seed: int) -> None:
    """Two years, twelve people, other seeds: the same promises, after every day."""
    with drivers_on_path():
        life = live(tmp_path, seed=seed, people=12, months=24)
    assert all(p.made for p in life.people if p.case)
