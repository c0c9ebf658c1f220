"""What ``report.json`` holds: everything the report shows, in the form the script checks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ucbr.domain import expiry
from ucbr.domain.faults import case_problems
from ucbr.domain.model import Case
from ucbr.domain.settings import PolicyConfig
from ucbr.domain.words import STEP_NAMES
from ucbr.services.audit.root import founder, key_of
from ucbr.services.audit.signatures import fingerprint
from ucbr.services.evidence import chronology
from ucbr.services.evidence.reissue import Reissued
from ucbr.services.session import Session
from ucbr.storage import gitlog
from ucbr.storage.store import POLICY_FILE

FORMAT = "ucbr-evidence-1"


def report_data(
    session: Session,
    history: chronology.CaseHistory,
    case: Case,
    letters: list[Reissued],
    withhold: Sequence[str],
) -> dict[str, Any]:
    """The report's data: the verifiable facts, and the council's reading of them."""
    reg = session.reg
    rows = chronology.rows_of(history, case.id)
    revisions, unreadable = chronology.revisions_of(history, case.id, withhold)
    last = revisions[-1] if revisions else None
    record = history.records.get(last["commit"]) if last else None
    current = expiry.in_force(case, session.today)
    return {
        "format": FORMAT,
        "case": case.id,
        "council": reg.cfg.council,
        "produced_on": session.today.isoformat(),
        "produced_by": session.actor.id,
        "status": expiry.status_on(case, session.today).replace("_", " "),
        "in_force": f"{STEP_NAMES[current.step]}, {current.id}" if current else "none",
        "chronology": rows,
        "revisions": revisions,
        "unreadable": unreadable,
        "record": chronology.shown(last, record or case.model_dump(mode="json", exclude_none=True)),
        "letters": [
            {"id": r.letter.id, "file": r.file, "identical": r.identical, "why": r.why}
            for r in letters
        ],
        "officers": _officers(session, rows),
        "policies": _policies(session, history, rows, case),
        "findings": [p.message for p in case_problems(case, reg.cfg, session.today, reg.staff)],
        "redactions": _redactions(revisions),
        "verification": _verification(session, history),
    }


def _officers(session: Session, rows: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """Every officer the report names: as the directory names them now, or when they acted."""
    found = {
        str(row["officer"]): {"name": str(row["name"]), "role": str(row["role"])}
        for row in rows
        if row["officer"] and row["name"]
    }
    for member in session.reg.staff.staff:
        found[member.id] = {"name": member.name, "role": member.role}
    return dict(sorted(found.items()))


def _settings(cfg: PolicyConfig | None) -> str:
    if cfg is None:
        return "cannot be read"
    signed = "signed commits required" if cfg.require_signed_commits else "signing not required"
    return (
        f"review at least every {cfg.review_interval_months} months; appeals within "
        f"{cfg.appeal_window_months} month(s); {signed}"
    )


def _policies(
    session: Session, history: chronology.CaseHistory, rows: list[dict[str, Any]], case: Case
) -> list[dict[str, Any]]:
    """Each version of the policy a commit or decision on the case ran under: since when."""
    wanted = {row["policy"] for row in rows if row["policy"]}
    wanted |= {d.policy for d in case.decisions}
    snaps = history.snaps
    assert snaps is not None
    found: list[dict[str, Any]] = []
    for commit in gitlog.log(session.reg.root, paths=[POLICY_FILE]):
        made = snaps.policy_hash(commit.sha)
        if made in wanted and made not in {p["hash"] for p in found}:
            settings = _settings(snaps.policy(commit.sha))
            since = commit.date.date().isoformat()
            found.append({"hash": made, "since": since, "commit": commit.sha, "settings": settings})
    return found


def _redactions(revisions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each field withheld, why, and in how many revisions."""
    counted: dict[tuple[str, str], int] = {}
    for revision in revisions:
        for leaf in revision["leaves"]:
            if len(leaf) == 4:
                counted[(leaf[0], leaf[3])] = counted.get((leaf[0], leaf[3]), 0) + 1
    return [{"field": f, "reason": r, "revisions": n} for (f, r), n in sorted(counted.items())]


def _verification(session: Session, history: chronology.CaseHistory) -> dict[str, Any]:
    """What the verifier will find: the chain's length and start, the root key."""
    first = history.chain[0]
    found = founder(session.reg.root, history.chain)
    return {
        "commits": len(history.chain) + 1,  # and the bundle's own
        "first": first.sha,
        "first_date": first.date.date().isoformat(),
        "root": fingerprint(key_of(found[1])) if found else "none",
    }


def readme(data: dict[str, Any]) -> str:
    """README.txt: what the bundle is, and the one command that verifies it."""
    return f"""Evidence bundle for case {data["case"]}, {data["council"]}
Produced on {data["produced_on"]} by {data["produced_by"]}. CONFIDENTIAL.

report.pdf      the report: chronology, incidents, decisions, restrictions over time,
                reviews, appeals, letters, the policy in force, check's findings
report.json     everything the report shows, as data
letters/        the letters as issued (or made again, where the name says so)
chain.objects   every commit of the register up to this bundle's own, as git objects,
                with the staff directories and policies they ran under
verify.py       checks all of the above with Python 3, git and ssh-keygen only
manifest.json   the SHA-256 of every file but chain.objects

To verify, in this folder (no ucbr, no council key, nothing installed):

    python3 -I -S verify.py . --root ROOT

where ROOT is the fingerprint of the register's root key as the council publishes it. This
bundle's chain starts from the key

    {data["verification"]["root"]}

Exit 0: every commit on the case is signed by its officer's key in force, in one unbroken
chain ending with this bundle's own commit, and every revision of the record, every letter
marked as issued and every file listed is what those commits committed to. Exit 1: something
is not; each FAIL line says what. Exit 3: proven but for what is listed as not proven.
`python3 verify.py . --export DIR` writes the chain as a git repository, for `git log` and
`git verify-commit`.
"""
