"""Build a synthetic register of any size, to time ucbr on a large council's data.

    python benchmarks/generate.py OUT_DIR --cases 10000 [--properties N] [--seed S]

OUT_DIR/register is a real register (real git, real age keys) holding fictional people
at every stage of the policy, made with the policy's own functions, so every file passes
``ucbr check`` apart from the faults planted on purpose: some reviews overdue and a few
letters never issued. OUT_DIR/keys holds throwaway staff keys (mode 0600) and
OUT_DIR/manifest.json says who is who, for ``benchmarks/run.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from ucbr.domain import policy
from ucbr.domain.attest import attest
from ucbr.domain.dates import add_months
from ucbr.domain.ids import CROCKFORD
from ucbr.domain.model import BEHAVIOURS, Case, LetterIssued, Person, PropertyRisk, Restriction
from ucbr.domain.settings import PolicyConfig
from ucbr.domain.staff import Role, StaffDirectory, StaffMember
from ucbr.domain.views import decision_in_force, review_limit, sections_of
from ucbr.services.admin import add_staff, init_register, new_member
from ucbr.services.session import Session
from ucbr.storage import git
from ucbr.storage.envelope import relpath
from ucbr.storage.files import write_file
from ucbr.storage.sshkeys import generate as generate_key
from ucbr.storage.store import Register
from ucbr.storage.vault import Keyring, load_identity_file

COUNCIL = "Benchmarkshire District Council"
STAFF: dict[str, tuple[Role, str]] = {
    "mgr": ("manager", "Morgan Manager"),
    "officer": ("case_officer", "Olive Officer"),
    "head": ("head_of_service", "Hana Head"),
    "front": ("frontline", "Fern Frontline"),
    "cron": ("scheduler", "Cron Service"),
}
# Split at run time: a word list reads better as prose than as a column of quoted names.
_FIRST_NAMES = "Alex Sam Jo Robin Kit Morgan Rowan Casey Jamie Charlie Frankie Billie Toby Nell Ada"
_MORE_FIRST = "Ivor Mabel Otis Pearl Rufus Stella Wilf Edie Cyril Hattie Monty Ivy Bertie Elsie"
_LAST_NAMES = "Applewood Brackenfield Copperleigh Dunmore Elmsworth Foxhollow Greystone Hartwell"
_MORE_LAST = "Inglebrook Juniper Kestrel Larkspur Millbank Nettleford Oakhurst Pebbleton Zennor"
FIRST = tuple(f"{_FIRST_NAMES} {_MORE_FIRST}".split(" "))
LAST = tuple(f"{_LAST_NAMES} {_MORE_LAST}".split(" "))
STREETS = ("Acorn", "Beacon", "Chapel", "Dovecote", "Ferry", "Granary", "Heron", "Kiln", "Mill")
STREET_KINDS = ("Road", "Lane", "Street", "Close", "Way", "Row")
SERVICES = ("Customer Services", "Housing", "Council Tax", "Waste and Recycling", "Planning")
SUMMARIES = (
    "Raised voice and swore at the officer during the call.",
    "Sent the same complaint to twelve officers in one day.",
    "Made threats about what would happen to staff at the counter.",
    "Called repeatedly after the matter had been explained in writing.",
    "Posted offensive remarks about a named officer online.",
)
PREMISES = ("Civic Centre", "Market Street One Stop Shop", "Riverside Depot")
RISKS = (
    "dangerous_animal",
    "violent_household_member",
    "squalor",
    "weapons",
    "structurally_unsafe",
)
# The share of cases left at each stage of the ladder.
STAGES = {
    "incident_only": 30,
    "verbal": 15,
    "informal": 12,
    "proposed": 5,
    "on_register": 25,
    "reviewed": 5,
    "appeal_pending": 3,
    "contact_refused": 2,
    "lifted": 3,
}
CHUNK = 250
WRITERS = 8


@dataclass(frozen=True)
class World:
    """What every case is made with: the register's rules, its staff and the day."""

    cfg: PolicyConfig
    policy_hash: str
    staff: dict[str, StaffMember]
    today: dt.date
    rng: random.Random

    def ctx(self, who: str, day: dt.date) -> policy.Ctx:
        return policy.Ctx(
            today=day,
            cfg=self.cfg,
            policy_hash=self.policy_hash,
            actor=self.staff[who],
            new_id=self.new_id,
            staff=StaffDirectory(staff=list(self.staff.values())),
        )

    def new_id(self, prefix: str) -> str:
        return f"{prefix}-" + "".join(self.rng.choice(CROCKFORD) for _ in range(8))

    def days(self, low: int, high: int) -> dt.timedelta:
        return dt.timedelta(days=self.rng.randint(low, high))


# --- people and incidents -------------------------------------------------------------


def person(w: World) -> Person:
    rng = w.rng
    first, last = rng.choice(FIRST), rng.choice(LAST)
    number = rng.randint(1, 999)
    return Person(
        name=f"{first} {last}",
        aliases=(f"{first[0]}. {last}",) if rng.random() < 0.2 else (),
        date_of_birth=dt.date(rng.randint(1940, 2004), rng.randint(1, 12), rng.randint(1, 28)),
        address=f"{number} {rng.choice(STREETS)} {rng.choice(STREET_KINDS)}, Benchmarkton",
        postcode=f"ZZ{rng.randint(1, 99)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLN')}W",
        emails=(f"{first.lower()}.{last.lower()}{number}@example.org",),
        phones=(f"07700 900{rng.randint(0, 999):03d}",),
    )


def incident(w: World, case: Case, day: dt.date, serious: bool = False) -> tuple[Case, str]:
    category = "A" if serious or w.rng.random() < 0.6 else "B"
    req = policy.IncidentRequest(
        date=day,
        channel=w.rng.choice(("telephone", "email", "face_to_face", "letter", "online_form")),
        location="council_premises",
        category=category,
        behaviours=(w.rng.choice(BEHAVIOURS[category]),),
        summary=w.rng.choice(SUMMARIES),
        serious=serious,
        by_representative=None,
        service=w.rng.choice(SERVICES),
    )
    reporter = w.rng.choice(("front", "officer"))
    case, found = policy.record_incident(case, req, w.ctx(reporter, day))
    return case, found.id


def restrictions(w: World) -> tuple[Restriction, ...]:
    kind = w.rng.randrange(5)
    if kind == 0:
        return (
            Restriction(kind="single_channel", channel="email"),
            Restriction(kind="contact_times", days=("tue", "thu"), hours="10:00-12:00"),
        )
    if kind == 1:
        return (Restriction(kind="single_channel", channel="letter"),)
    if kind == 2:
        return (Restriction(kind="premises_ban", premises=w.rng.choice(PREMISES)),)
    if kind == 3:
        return (Restriction(kind="single_point_of_contact", staff="officer"),)
    return (
        Restriction(
            kind="no_further_responses", topic="the closed complaint about bin collections"
        ),
    )


# --- the ladder ---------------------------------------------------------------------------


def warn(w: World, case: Case, day: dt.date, to: str, sent: bool = False) -> Case:
    case, inc = incident(w, case, day)
    note = "Told the caller the behaviour was unacceptable." if to == "verbal_warning" else None
    req = policy.EscalationRequest(incidents=(inc,), note=note)
    case, decision = policy.escalate(case, req, w.ctx("officer", day))
    if to == "informal_written_warning" and (sent or w.rng.random() < 0.95):
        # Step 2's letter, sent within a few days; a few never are, for `check` to find
        # (but always before step 3, which follows only once it has gone).
        case = letter(w, case, "informal-warning", day + w.days(0, 3), decision.id)
    return case


def restrict(
    w: World, case: Case, day: dt.date, review_by: dt.date, approve_on: dt.date | None
) -> Case:
    """Record the incident, propose the next restricting step on ``day``, approve it later."""
    case, inc = incident(w, case, day)
    req = policy.EscalationRequest(
        incidents=(inc,),
        considerations="No protected characteristic bears on the contact; no known vulnerability.",
        restrictions=restrictions(w),
        essential_services=w.cfg.essential_services,
        review_by=review_by,
    )
    case, _ = policy.escalate(case, req, w.ctx("officer", day))
    if approve_on is None:
        return case
    # Approved by the manager, who imports the register: an import attests only its importer.
    case, decision = policy.approve(case, w.ctx("mgr", approve_on))
    if w.rng.random() < 0.97:  # a few letters are never sent: a fault `check` should find
        kind = "contact-refused" if decision.step == "contact_refused" else "formal-warning"
        case = letter(w, case, kind, approve_on + w.days(0, 3), decision.id)
    return case


def letter(w: World, case: Case, kind: str, day: dt.date, about: str) -> Case:
    digest = hashlib.sha256(f"{case.id} {kind} {day}".encode()).hexdigest()
    issued = LetterIssued.model_validate(
        {
            "id": w.new_id("L"),
            "kind": kind,
            "date": min(day, w.today),
            "about": about,
            "format": "pdf",
            "template_sha256": hashlib.sha256(kind.encode()).hexdigest(),
            "sha256": digest,
            "by": "officer",
            "policy": w.policy_hash,
        }
    )
    return policy.record_letter(case, issued)


def review_offset(w: World) -> int:
    """Days from today to the next review: a few overdue, some due soon, most months away."""
    roll = w.rng.random()
    if roll < 0.08:
        return -w.rng.randint(1, 60)
    if roll < 0.2:
        return w.rng.randint(0, 30)
    return w.rng.randint(31, 175)


def warned_up_to_formal(w: World, case: Case, formal_on: dt.date) -> Case:
    """A verbal then an informal warning, in the months before ``formal_on``."""
    informal_on = formal_on - w.days(20, 60)
    verbal_on = informal_on - w.days(20, 60)
    case = warn(w, case, verbal_on, "verbal_warning")
    return warn(w, case, informal_on, "informal_written_warning", sent=True)


def formal(w: World, case: Case, proposed_on: dt.date, due: dt.date) -> Case:
    """Warned twice, then a formal written warning proposed and approved a few days later."""
    case = warned_up_to_formal(w, case, proposed_on)
    approve_on = min(proposed_on + w.days(0, 3), w.today, due)
    return restrict(w, case, proposed_on, due, approve_on)


def on_register(w: World, case: Case, due: dt.date) -> Case:
    """In force, with its review due on ``due``: set at most six months after the proposal."""
    proposed_on = min(due - w.days(120, 178), w.today - dt.timedelta(days=3))
    # Never past the policy's limit, which a bank holiday moves a day or more earlier.
    return formal(w, case, proposed_on, min(due, review_limit(proposed_on, w.cfg)))


def build_case(w: World, case_id: str) -> Case:
    stage = w.rng.choices(list(STAGES), weights=list(STAGES.values()))[0]
    t = w.today
    case = policy.open_case(case_id, person(w), w.ctx("officer", t - dt.timedelta(days=500)))
    if stage == "incident_only":
        for _ in range(w.rng.randint(1, 3)):
            case, _inc = incident(w, case, t - w.days(0, 400))
        return case
    if stage == "verbal":
        return warn(w, case, t - w.days(0, 300), "verbal_warning")
    if stage == "informal":
        case = warn(w, case, t - w.days(60, 300), "verbal_warning")
        return warn(w, case, t - w.days(0, 50), "informal_written_warning")
    if stage == "proposed":
        proposed_on = t - w.days(0, 20)
        case = warned_up_to_formal(w, case, proposed_on)
        return restrict(w, case, proposed_on, proposed_on + w.days(90, 175), None)
    if stage == "on_register":
        return on_register(w, case, t + dt.timedelta(days=review_offset(w)))
    return STAGE_BUILDERS[stage](w, case)


def reviewed(w: World, case: Case) -> Case:
    """On the register for a while, then reviewed and continued for another six months."""
    next_due = w.today + dt.timedelta(days=review_offset(w))
    held_on = add_months(next_due, -w.cfg.review_interval_months)
    case = on_register(w, case, held_on + w.days(0, 20))
    req = policy.ReviewRequest(outcome="continue", reasons="The behaviour has not changed.")
    case, _ = policy.review(case, req, w.ctx("officer", held_on))
    return case


def appeal_pending(w: World, case: Case) -> Case:
    """Approved in the last few weeks and appealed in time; the appeal awaits a decision."""
    proposed_on = w.today - w.days(5, 28)
    case = formal(w, case, proposed_on, proposed_on + w.days(150, 175))
    current = decision_in_force(case)
    assert current is not None and current.approved_on is not None
    received = min(current.approved_on + w.days(1, 20), w.today)
    case, _ = policy.lodge_appeal(case, received, None, w.ctx("officer", received))
    return case


def contact_refused(w: World, case: Case) -> Case:
    """A formal warning, the behaviour continued, and contact refused."""
    due = w.today + dt.timedelta(days=review_offset(w))
    refused_on = min(due - w.days(120, 175), w.today - dt.timedelta(days=3))
    formal_on = refused_on - w.days(40, 90)
    case = formal(w, case, formal_on, formal_on + w.days(90, 150))
    warning = decision_in_force(case)
    assert warning is not None and warning.approved_on is not None
    if not any(x.kind == "formal-warning" and x.about == warning.id for x in case.letters):
        # Refusal needs the warning letter to have gone out: this one always has.
        case = letter(w, case, "formal-warning", warning.approved_on, warning.id)
    return restrict(w, case, refused_on, due, min(refused_on + w.days(0, 2), w.today))


def lifted(w: World, case: Case) -> Case:
    """Lifted at review after a significant change; most have had their ended letter."""
    held_on = w.today - w.days(0, 120)
    case = on_register(w, case, held_on + w.days(0, 30))
    req = policy.ReviewRequest(
        outcome="lift", reasons="Contact has been courteous for months.", significant_change=True
    )
    case, done = policy.review(case, req, w.ctx("officer", held_on))
    if w.rng.random() < 0.9:
        case = letter(w, case, "restriction-ended", held_on + w.days(0, 5), done.decision)
    return case


STAGE_BUILDERS: dict[str, Callable[[World, Case], Case]] = {
    "reviewed": reviewed,
    "appeal_pending": appeal_pending,
    "contact_refused": contact_refused,
    "lifted": lifted,
}


def build_property(w: World, property_id: str) -> PropertyRisk:
    due = w.today + dt.timedelta(days=review_offset(w))
    approve_on = min(add_months(due, -w.cfg.review_interval_months), w.today)
    proposed_on = approve_on - w.days(0, 5)
    risks = tuple(w.rng.sample(RISKS, w.rng.randint(1, 2)))
    terms = policy.PropertyTerms(
        address=f"{w.rng.randint(1, 200)} {w.rng.choice(STREETS)} Row, Benchmarkton",
        postcode=f"ZZ{w.rng.randint(1, 99)} {w.rng.randint(1, 9)}AB",
        uprn=str(w.rng.randint(10**8, 10**11)),
        risks=risks,
        guidance="Attend in pairs; phone ahead.",
        not_notified_reason="Telling the occupier would put the informant at risk.",
    )
    prop = policy.propose_property(property_id, terms, w.ctx("officer", proposed_on))
    if w.rng.random() < 0.05:
        return prop
    return policy.approve_property(prop, w.ctx("mgr", approve_on))


# --- writing ---------------------------------------------------------------------------------

# What the generated register is imported from: no file, so a name for it, hashed.
SOURCE = hashlib.sha256(b"ucbr benchmark: a generated register").hexdigest()


def write_chunk(root: str, today: str, seed: int, ids: list[str]) -> list[str]:
    """Build, encrypt and write the files of ``ids``; returns their paths in the register."""
    reg = Register.open(Path(root))
    staff = {s.id: s for s in reg.staff.staff}
    w = World(reg.cfg, reg.policy_hash, staff, dt.date.fromisoformat(today), random.Random(seed))
    files: dict[str, str] = {}
    for file_id in ids:
        built = build_case(w, file_id) if file_id.startswith("C-") else build_property(w, file_id)
        record = attest(built, "mgr", w.today, SOURCE)  # an import, attested by the manager
        sections = sections_of(record, reg.cfg)
        files[relpath(file_id)] = reg.render(file_id, sections, None)
    # write_file syncs each file to disk; threads overlap those waits.
    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(lambda rel: write_file(reg.root / rel, files[rel]), files))
    return list(files)


def unique_ids(rng: random.Random, prefix: str, count: int, taken: set[str]) -> list[str]:
    found: list[str] = []
    while len(found) < count:
        candidate = f"{prefix}-" + "".join(rng.choice(CROCKFORD) for _ in range(8))
        if candidate not in taken:
            taken.add(candidate)
            found.append(candidate)
    return found


def chunks(ids: list[str], seed: int) -> Iterator[tuple[int, list[str]]]:
    for start in range(0, len(ids), CHUNK):
        yield seed * 1_000_003 + start, ids[start : start + CHUNK]


def write_files(root: Path, today: dt.date, seed: int, ids: list[str], workers: int) -> int:
    jobs = list(chunks(ids, seed))
    if workers <= 1 or len(jobs) <= 1:
        return sum(len(write_chunk(str(root), today.isoformat(), s, part)) for s, part in jobs)
    with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
        futures = [
            pool.submit(write_chunk, str(root), today.isoformat(), s, part) for s, part in jobs
        ]
        return sum(len(f.result()) for f in futures)


# --- the register and its staff -----------------------------------------------------------


def git_env(home: Path) -> dict[str, str]:
    """An isolated git: none of the machine's own configuration, hooks or signing."""
    return {
        "HOME": str(home),
        "GIT_CONFIG_GLOBAL": str(home / "gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
    }


def actor_env(staff_id: str) -> dict[str, str]:
    name, email = STAFF[staff_id][1], f"{staff_id}@benchmark.example"
    return {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }


@contextmanager
def acting_as(staff_id: str) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(actor_env(staff_id))
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def make_staff(root: Path, keys: Path, today: dt.date) -> None:
    """One member of staff in each role, each with an ssh-ed25519 key that opens and signs."""
    signer = git.Signer(key_file=(keys / "mgr.txt").resolve())
    for staff_id, (role, name) in STAFF.items():
        public = generate_key(keys / f"{staff_id}.txt", "ucbr benchmark key: throwaway")
        reg = Register.open(root)  # re-read: the staff directory changes with every member
        first = staff_id == "mgr"
        ring = Keyring() if first else reg.keyring(load_identity_file(keys / "mgr.txt"))
        with acting_as("mgr"):
            member = new_member(reg, staff_id, name, f"{staff_id}@benchmark.example", role, public)
            actor = member if first else reg.staff.by_id("mgr")
            assert actor is not None
            add_staff(Session(reg, ring, actor, today, signer), member)


def commit_all(root: Path, ids: list[str], keys: Path, today: dt.date) -> None:
    """Commit every generated file as one import by the manager, signed with their key."""
    reg = Register.open(root)
    message = git.CommitMessage("import", "", officer="mgr", policy=reg.policy_hash, day=today,
                                ids=ids, extra=[("Ucbr-Source", SOURCE)])  # fmt: skip
    signer = git.Signer(key_file=(keys / "mgr.txt").resolve())
    with acting_as("mgr"):
        # The folders, not 10,000 paths: a command line that long would pass ARG_MAX.
        git.run(root, "add", "-A", "--", "cases", "properties")
        git.run(root, *signer.options(), "commit", "-q", "--no-verify", "-F", "-",
                input=message.text().encode())  # fmt: skip


def generate(
    out: Path, cases: int, properties: int, seed: int, today: dt.date, workers: int
) -> dict[str, object]:
    out.mkdir(parents=True, exist_ok=True)
    home, keys, root = out / "home", out / "keys", out / "register"
    home.mkdir(exist_ok=True)
    (home / "gitconfig").touch()
    keys.mkdir(mode=0o700, exist_ok=True)
    os.environ.update(git_env(home))
    # Git's dates on the policy's day: the audit reports a policy date not the commit's own.
    moment = f"{today.isoformat()}T12:00:00+00:00"
    os.environ.update({"GIT_AUTHOR_DATE": moment, "GIT_COMMITTER_DATE": moment})
    with acting_as("mgr"):
        init_register(root, COUNCIL, None, today)
    make_staff(root, keys, today)
    rng = random.Random(seed)
    taken: set[str] = set()
    ids = unique_ids(rng, "C", cases, taken) + unique_ids(rng, "P", properties, taken)
    write_files(root.resolve(), today, seed, ids, workers)
    if ids:
        commit_all(root, ids, keys, today)
    manifest: dict[str, object] = {
        "register": "register",
        "home": "home",
        "today": today.isoformat(),
        "cases": cases,
        "properties": properties,
        "seed": seed,
        "staff": {
            sid: {
                "role": role,
                "email": f"{sid}@benchmark.example",
                "name": name,
                "key": f"keys/{sid}.txt",
            }
            for sid, (role, name) in STAFF.items()
        },
        "sample_cases": sorted(ids[:cases])[:50],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path, help="an empty folder (created if missing)")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--properties", type=int, default=None, help="default: one per 50 cases")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--today", type=dt.date.fromisoformat, default=None, help="the policy clock; default: today"
    )
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None, clock: Callable[[], dt.date] = dt.date.today) -> int:
    args = parse_args(argv)
    properties = args.properties if args.properties is not None else max(1, args.cases // 50)
    if args.out.exists() and any(args.out.iterdir()):
        print(f"generate: {args.out} is not empty", file=sys.stderr)
        return 2
    started = time.perf_counter()
    generate(args.out, args.cases, properties, args.seed, args.today or clock(), args.workers)
    took = time.perf_counter() - started
    print(
        f"generated {args.cases} cases and {properties} properties "
        f"in {args.out / 'register'} ({took:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
