"""Rebuild the demo register: fictional people at every stage, three properties, demo keys.

    python scripts/build_demo_register.py register

Everything is made through ucbr's own commands, with the policy clock moved through
2026 so that one review is overdue on the demo day (28 November 2026). The result is
a snapshot of the files in ``register/`` for browsing, ``register/history.bundle``
with the register's real git history, and ``register/demo-keys/`` (DEMO ONLY).

Each person's story is written below from start to finish, but a register's history runs
forward in time (the audit refuses a policy date that goes back): so the stories are
first told once in a draft register, each command and its answer noted, and then the
commands are run again in a fresh register in the order of their dates, each id a draft
command made replaced by the one its re-run made.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ucbr.cli import main
from ucbr.storage.sshkeys import generate

STAFF = {
    "demo-manager": ("manager", "Morgan Demo (manager)"),
    "demo-officer": ("case_officer", "Olive Demo (case officer)"),
    "demo-officer2": ("case_officer", "Otto Demo (case officer)"),
    "demo-head": ("head_of_service", "Hana Demo (head of service)"),
    "demo-ig": ("ig_officer", "Ivan Demo (IG officer)"),
    "demo-frontline": ("frontline", "Fern Demo (customer services)"),
    "demo-scheduler": ("scheduler", "Review-due job"),
}
# The service each works in (none: across the council) and the job title letters print.
POSTS = {
    "demo-manager": ("Customer Services", "Customer Services Manager"),
    "demo-officer": (None, "Customer Relations Officer"),
    "demo-officer2": (None, "Customer Relations Officer"),
    "demo-head": (None, "Head of Customer and Support Services"),
}


# An id ucbr makes: a case, property, incident, decision, review, appeal, letter or FOI record.
ID = re.compile(r"\b[A-Z]-[0-9A-HJKMNP-TV-Z]{8}\b")


class Demo:
    def __init__(self, root: Path, keys: Path, home: Path, draft: bool = False) -> None:
        self.root, self.keys, self.home = root, keys, home
        self.steps: list[tuple[str, str, tuple[str, ...], str]] = []
        self.draft, self.latest, self.drafts = draft, "", 0

    def env(self, who: str, day: str) -> dict[str, str]:
        email = f"{who}@demo.invalid"
        return {
            "HOME": str(self.home),
            "GIT_CONFIG_GLOBAL": str(self.home / "gitconfig"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": STAFF[who][1],
            "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": STAFF[who][1],
            "GIT_COMMITTER_EMAIL": email,
            "GIT_AUTHOR_DATE": f"{day}T10:00:00Z",
            "GIT_COMMITTER_DATE": f"{day}T10:00:00Z",
            "UCBR_TODAY": day,
            "UCBR_REGISTER": str(self.root),
            "UCBR_IDENTITY_FILE": str(self.keys / f"{who}.txt"),
        }

    def run(self, who: str, day: str, *args: str, note: bool = True) -> str:
        if self.draft and day < self.latest:  # a new story, told from its own start
            self.drafts += 1
            self.root = self.root.with_name(f"draft-{self.drafts}")
            found(self)
        self.latest = max(self.latest, day)
        out, err = io.StringIO(), io.StringIO()
        saved = dict(os.environ)
        os.environ.update(self.env(who, day))
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(list(args))
        finally:
            os.environ.clear()
            os.environ.update(saved)
        if code != 0:
            raise SystemExit(f"demo step failed ({code}): {args[:2]}: {err.getvalue().strip()}")
        if note:
            self.steps.append((who, day, args, out.getvalue()))
        return out.getvalue()

    def replay(self, steps: list[tuple[str, str, tuple[str, ...], str]]) -> None:
        """Run another register's commands again here, in the order of their days (in
        the order they were told within a day), each id the draft made replaced by this
        register's own."""
        mapping: dict[str, str] = {}
        for who, day, args, out in sorted(steps, key=lambda step: step[1]):
            again = [ID.sub(lambda m: mapping.get(m.group(), m.group()), a) for a in args]
            answer = self.run(who, day, *again)
            for old, new in zip(ID.findall(out), ID.findall(answer), strict=True):
                mapping.setdefault(old, new)

    def incident(self, who: str, day: str, case: str | None, *args: str) -> tuple[str, str]:
        target = ["--new"] if case is None else [case]
        out = self.run(who, day, "add-incident", *target, *args, "--json")
        data = json.loads(out)
        return data["case"], data["incident"]


def write_key(path: Path) -> str:
    """A demo staff key: ssh-ed25519, which opens its tiers and signs its commits."""
    return generate(path, "DEMO ONLY: a throwaway key for the fictional demo register")


ABUSE = ("--channel", "telephone", "--location", "council_premises", "--category", "A")
EMAILS = ("--channel", "email", "--location", "community", "--category", "B")
CARE = (
    "Considered: no protected characteristics or at-risk factors known; "
    "no exceptional circumstances."
)
ESSENTIAL = "Essential services stay open by letter to the Council Offices, High Street."


def letter(d: Demo, case: str, kind: str, day: str) -> None:
    """Issue a letter; the letter itself goes to a scratch folder, never the register."""
    out = d.home / f"{case}-{kind}-{day}.md"
    d.run("demo-officer", day, "letter", case, "--kind", kind, "--format", "md", "--out", str(out))


def formal(d: Demo, case: str, incident: str, day: str, review_by: str, *restrictions: str) -> None:
    d.run(
        "demo-officer",
        day,
        "escalate",
        case,
        "--to",
        "formal_written_warning",
        "--incident",
        incident,
        "--considerations",
        CARE,
        "--essential-services",
        ESSENTIAL,
        "--review-by",
        review_by,
        *restrictions,
    )


def bypassing(incident: str, why: str) -> tuple[str, ...]:
    """The deciding officer relies on an incident of violence or a serious threat."""
    return ("--bypass", incident, "--bypass-reason", why)


def post(who: str) -> tuple[str, ...]:
    service, title = POSTS.get(who, (None, None))
    return (
        *(("--service", service) if service else ()),
        *(("--job-title", title) if title else ()),
    )


def build(target: Path) -> None:
    work = Path(tempfile.mkdtemp(prefix="ucbr-demo-"))
    home, keys = work / "home", work / "keys"
    home.mkdir()
    keys.mkdir()
    (home / "gitconfig").write_text("")
    for who in STAFF:
        write_key(keys / f"{who}.txt")
    draft = Demo(work / "draft", keys, home, draft=True)
    found(draft)
    stories(draft)
    final = Demo(work / "register", keys, home)
    found(final)
    final.replay(draft.steps)
    export(final, work, target)
    shutil.rmtree(work)


def found(d: Demo) -> None:
    """A new register, and its staff, on the day the council starts it."""
    first = "demo-manager"
    d.latest = ""
    with contextlib.redirect_stdout(io.StringIO()):
        os.environ.update(d.env(first, "2026-01-05"))
        assert (
            main(
                [
                    "init",
                    str(d.root),
                    "--council",
                    "West Exampleshire District Council",
                    "--privacy-url",
                    "https://www.example.gov.uk/privacy/ucbr",
                    "--council-address",
                    "Council Offices, High Street, Exampleton EX1 1AA",
                    "--council-email",
                    "customer.relations@example.gov.uk",
                    "--council-phone",
                    "01234 567000",
                ]
            )
            == 0
        )
    for who, (role, name) in STAFF.items():
        recipient = (d.keys / f"{who}.txt.pub").read_text().strip()
        d.run(
            first,
            "2026-01-05",
            "staff",
            "add",
            who,
            "--name",
            name,
            "--email",
            f"{who}@demo.invalid",
            "--role",
            role,
            "--key",
            recipient,
            *post(who),
            note=False,  # made by ``found`` in every register, never replayed
        )


def stories(d: Demo) -> None:
    """Each person's story, from start to finish."""
    # 1. Incident only: not on the register.
    d.incident(
        "demo-officer",
        "2026-11-02",
        None,
        "--name",
        "Avery Incidentonly",
        "--postcode",
        "OX29 9ZZ",
        "--date",
        "2026-11-02",
        *ABUSE,
        "--behaviour",
        "offensive",
        "--summary",
        "Used offensive language on the telephone after being told the collection date.",
    )

    # 2. A verbal warning, recorded as a file note.
    c, i = d.incident(
        "demo-officer",
        "2026-10-12",
        None,
        "--name",
        "Blake Verbalwarning",
        "--date",
        "2026-10-12",
        *ABUSE,
        "--behaviour",
        "abusive",
        "--summary",
        "Shouted at the reception officer about a parking fine.",
    )
    d.run(
        "demo-officer",
        "2026-10-12",
        "escalate",
        c,
        "--incident",
        i,
        "--note",
        "Told the behaviour was unacceptable and asked to stop; they agreed.",
    )

    # 3. An informal written warning after the verbal one.
    c, i = d.incident(
        "demo-officer",
        "2026-09-01",
        None,
        "--name",
        "Casey Informalwarning",
        "--email",
        "casey.demo@example.invalid",
        "--date",
        "2026-09-01",
        *EMAILS,
        "--behaviour",
        "repeated_contact",
        "--summary",
        "Sent 35 e-mails about one planning decision in a day.",
    )
    d.run(
        "demo-officer",
        "2026-09-01",
        "escalate",
        c,
        "--incident",
        i,
        "--note",
        "Asked to keep to one e-mail a week.",
    )
    _, i2 = d.incident(
        "demo-officer",
        "2026-09-20",
        c,
        "--date",
        "2026-09-20",
        *EMAILS,
        "--behaviour",
        "extensive_communications",
        "--summary",
        "Re-sent the same 20 e-mails.",
    )
    d.run("demo-officer", "2026-09-21", "escalate", c, "--incident", i2)
    letter(d, c, "informal-warning", "2026-09-22")

    # 4. Formal warning: e-mail only, on set days and hours.
    c, i = d.incident(
        "demo-officer",
        "2026-10-01",
        None,
        "--name",
        "Devon Singlechannel",
        "--title",
        "Mx",
        "--alias",
        "Dev Singlechannel",
        "--phone",
        "01993 123456",
        "--postcode",
        "OX28 1ZZ",
        "--address",
        "1 Demo Row, Witney",
        "--date",
        "2026-10-01",
        "--serious",
        *ABUSE,
        "--behaviour",
        "threats",
        "--summary",
        "Threatened to harm the officer at the front desk.",
    )
    formal(
        d,
        c,
        i,
        "2026-10-02",
        "2027-04-01",
        "--only-channel",
        "email",
        "--contact-days",
        "mon,thu",
        "--contact-hours",
        "09:00-12:00",
        *bypassing(i, "A threat to harm the officer, made in person."),
    )
    d.run("demo-manager", "2026-10-03", "approve", c)
    letter(d, c, "formal-warning", "2026-10-03")

    # 5. Formal warning: a designated e-mail address and a single point of contact.
    c, i = d.incident(
        "demo-officer",
        "2026-08-03",
        None,
        "--name",
        "Emerson Designated",
        "--email",
        "emerson.demo@example.invalid",
        "--date",
        "2026-08-03",
        *EMAILS,
        "--behaviour",
        "contacting_multiple_employees",
        "--summary",
        "Wrote to eleven officers about the same housing matter.",
        "--service",
        "Housing",
    )
    d.run(
        "demo-officer",
        "2026-08-03",
        "escalate",
        c,
        "--incident",
        i,
        "--note",
        "Asked to write to one officer only.",
    )
    # The behaviour went on after the verbal warning: the informal warning relies on that.
    _, i1 = d.incident(
        "demo-officer",
        "2026-08-10",
        c,
        "--date",
        "2026-08-07",
        *EMAILS,
        "--behaviour",
        "contacting_multiple_employees",
        "--service",
        "Housing",
        "--summary",
        "Wrote to six more officers about the same housing matter.",
    )
    d.run("demo-officer", "2026-08-10", "escalate", c, "--incident", i1)
    letter(d, c, "informal-warning", "2026-08-11")
    d.run("demo-officer", "2026-08-12", "adjustments", c, "--add", "needs_large_print")
    _, i2 = d.incident(
        "demo-officer",
        "2026-08-24",
        c,
        "--date",
        "2026-08-24",
        *EMAILS,
        "--behaviour",
        "same_issue_after_explanation",
        "--service",
        "Housing",
        "--summary",
        "Kept writing to several officers after the decision was explained.",
    )
    formal(
        d,
        c,
        i2,
        "2026-08-25",
        "2027-02-20",
        "--designated-email",
        "housing.casework@example.gov.uk",
        "--spoc",
        "demo-officer2",
    )
    d.run("demo-head", "2026-08-26", "approve", c)
    letter(d, c, "formal-warning", "2026-08-26")

    # 6. Formal warning with a premises ban for a period and no further responses; appeal pending.
    c, i = d.incident(
        "demo-officer",
        "2026-10-20",
        None,
        "--name",
        "Finley Appealing",
        "--date",
        "2026-10-20",
        "--serious",
        *ABUSE,
        "--behaviour",
        "physically_aggressive",
        "--summary",
        "Pushed a chair towards the officer at the Council Offices.",
    )
    formal(
        d,
        c,
        i,
        "2026-10-21",
        "2027-04-20",
        "--premises-ban",
        "Council Offices, High Street",
        "--ban-until",
        "2027-04-20",
        "--no-further-responses",
        "the 2025 council tax refund",
        *bypassing(i, "Pushed a chair at the officer: physical aggression."),
    )
    d.run("demo-manager", "2026-10-22", "approve", c)
    letter(d, c, "formal-warning", "2026-10-22")
    d.run("demo-officer2", "2026-11-10", "appeal", "lodge", c, "--received", "2026-11-10")
    letter(d, c, "appeal-acknowledgement", "2026-11-11")

    # 7. Contact refused: after a formal warning, the behaviour continued.
    c, i = d.incident(
        "demo-officer",
        "2026-05-04",
        None,
        "--name",
        "Gray Refused",
        "--date",
        "2026-05-04",
        "--serious",
        *ABUSE,
        "--behaviour",
        "threats",
        "--summary",
        "Threatened staff during a telephone call about benefits.",
    )
    formal(
        d,
        c,
        i,
        "2026-05-05",
        "2026-11-01",
        "--only-channel",
        "letter",
        *bypassing(i, "Threatened staff by telephone."),
    )
    d.run("demo-manager", "2026-05-06", "approve", c)
    letter(d, c, "formal-warning", "2026-05-06")
    _, i2 = d.incident(
        "demo-officer",
        "2026-06-15",
        c,
        "--date",
        "2026-06-15",
        *ABUSE,
        "--behaviour",
        "harassment",
        "--summary",
        "Kept calling the contact centre despite the restriction.",
    )
    d.run(
        "demo-officer",
        "2026-06-16",
        "escalate",
        c,
        "--to",
        "contact_refused",
        "--incident",
        i2,
        "--considerations",
        CARE,
        "--essential-services",
        ESSENTIAL,
        "--review-by",
        "2026-12-10",
        "--premises-ban",
        "any council premises",
        "--only-channel",
        "letter",
    )
    d.run("demo-head", "2026-06-17", "approve", c)
    letter(d, c, "contact-refused", "2026-06-17")

    # 8. A review overdue: approved in March, due in September, not yet held.
    c, i = d.incident(
        "demo-officer",
        "2026-03-02",
        None,
        "--name",
        "Harper Overdue",
        "--date",
        "2026-03-02",
        "--serious",
        *ABUSE,
        "--behaviour",
        "threats",
        "--summary",
        "Waited outside the depot and threatened a refuse collector.",
        "--service",
        "Waste",
    )
    formal(
        d,
        c,
        i,
        "2026-03-03",
        "2026-09-01",
        "--premises-ban",
        "Depot, Station Road",
        *bypassing(i, "A threat made to a collector at the depot."),
    )
    d.run("demo-head", "2026-03-04", "approve", c)
    letter(d, c, "formal-warning", "2026-03-04")

    # Properties: two risks in force (one review overdue), one awaiting approval.
    p1 = d.run(
        "demo-officer",
        "2026-02-02",
        "property",
        "add",
        "--address",
        "3 Demo Cottages, Exampleton",
        "--postcode",
        "OX18 9ZZ",
        "--uprn",
        "100120000001",
        "--risk",
        "dangerous_animal",
        "--guidance",
        "Phone ahead so the dog is secured; do not enter the garden alone.",
        "--not-notified-reason",
        "A risk to visiting staff, not a restriction on the resident.",
    ).split(":")[0]
    d.run("demo-manager", "2026-02-03", "property", "approve", p1)
    p2 = d.run(
        "demo-officer",
        "2026-09-14",
        "property",
        "add",
        "--address",
        "Flat 9, Demo Tower, Exampleton",
        "--postcode",
        "OX18 8ZZ",
        "--risk",
        "weapons",
        "--risk",
        "violent_household_member",
        "--guidance",
        "Attend in pairs; stay near the door; leave if a weapon is seen.",
        "--details",
        "Police advised of a knife in the home (reference held by the community safety team).",
        "--condition",
        "Vital interests of staff; DPA 2018 Sch 1 para 10 (preventing unlawful acts).",
        "--not-notified-reason",
        "Telling the household could itself provoke violence.",
    ).split(":")[0]
    d.run("demo-head", "2026-09-15", "property", "approve", p2)
    d.run(
        "demo-officer",
        "2026-11-25",
        "property",
        "add",
        "--address",
        "Unit 4, Demo Trading Estate",
        "--postcode",
        "OX28 4ZZ",
        "--risk",
        "environmental_hazard",
        "--guidance",
        "Unlit service road after dark; visit in daylight.",
        "--not-notified-reason",
        "A hazard of the location, not of any person.",
    )


def export(d: Demo, work: Path, target: Path) -> None:
    """Write the snapshot, the history bundle and the demo keys into ``target``."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(d.root, target, ignore=shutil.ignore_patterns(".git"))
    env = {**os.environ, **d.env("demo-manager", "2026-11-28")}
    subprocess.run(
        ["git", "bundle", "create", "-q", str(target / "history.bundle"), "HEAD", "main"],
        cwd=d.root,
        check=True,
        env=env,
    )
    shutil.copytree(d.keys, target / "demo-keys")
    (target / "demo-keys" / "README.txt").write_text(
        "DEMO ONLY. These keys open the fictional demo register and nothing else.\n"
        "Git does not keep file modes, so `make demo` copies them to a private temporary\n"
        "folder with mode 0600 before use. Never use them for real data.\n"
    )


if __name__ == "__main__":
    build(Path(sys.argv[1] if len(sys.argv) > 1 else "register").resolve())
