"""Subject access: everything the register holds about one person, and a record of giving it.

The export is a JSON file, a readable PDF of the same, and ``manifest.json`` with the
SHA-256 of each. It goes to a new folder outside the register (mode 0700, files 0600),
never into the working tree, where ``git add`` could sweep it into history.

Staff are third parties to a subject access request: their names, ids and e-mail
addresses are redacted by default, and so is a representative who acted for the person.
``redact=False`` keeps them; either way the disclosure is recorded in
``.ucbr/disclosures.yaml`` (id, date, who, redacted or not) in a commit of its own,
with the trailers ``Ucbr-Action: sar`` and ``Ucbr-Redacted``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ucbr.domain import expiry, views
from ucbr.domain.model import Case
from ucbr.domain.permissions import ADMINISTRATORS as STAFF_ADMIN_ROLES
from ucbr.domain.problems import Problem
from ucbr.domain.staff import SERVICE_ROLES, StaffDirectory
from ucbr.domain.words import STEP_NAMES, long_date
from ucbr.errors import Refused
from ucbr.services.session import Session
from ucbr.storage import git, gitlog
from ucbr.storage.envelope import relpath
from ucbr.storage.private import create_private_file, outside_register
from ucbr.storage.store import Register
from ucbr.storage.yamlio import dump_plain, load_strict

DISCLOSURES = ".ucbr/disclosures.yaml"
DISCLOSURES_HEADER = (
    "# Disclosures: subject access exports and evidence bundles (kind: evidence): case id,\n"
    "# date, who, what was redacted, and the SHA-256 of the manifest given.\n"
)
STAFF_MARK = "[redacted: staff]"
THIRD_PARTY_MARK = "[redacted: third party]"
# Fields that hold a staff id, and fields that name someone other than the person.
STAFF_FIELDS: frozenset[str] = frozenset(
    {
        "reported_by",
        "proposed_by",
        "approved_by",
        "rejected_by",
        "by",
        "lodged_by",
        "decided_by",
        "recorded_by",
        "staff",
        "single_point_of_contact",
        "officer",
    }
)
THIRD_PARTY_FIELDS: frozenset[str] = frozenset({"by_representative", "representatives"})
HELD = ("incidents", "decisions", "reviews", "appeals", "adjustments", "letters", "foi")


@dataclass(frozen=True)
class Export:
    """A subject access export: its folder, its files and the commit recording it."""

    folder: Path
    files: list[Path]
    commit: str


# --- what is held ------------------------------------------------------------------------------


def history(reg: Register, case_id: str) -> list[tuple[str, str, str]]:
    """(date, action, officer id) for every commit that changed the case file, oldest first."""
    return [
        (c.date.date().isoformat(), c.action or "unknown", c.officer or "")
        for c in gitlog.log(reg.root, paths=[relpath(case_id)])
    ]


def subject_data(
    case: Case,
    council: str,
    changes: Iterable[tuple[str, str, str]],
    staff: StaffDirectory,
    today: dt.date,
    redact: bool,
) -> dict[str, Any]:
    """Everything held about the person, as plain data, redacted unless told otherwise."""
    record = case.model_dump(mode="json", exclude_none=True)
    data: dict[str, Any] = {
        "case": case.id,
        "council": council,
        "produced_on": today.isoformat(),
        "redacted": redact,
        "status": expiry.status_on(case, today),
        "person": record["person"],
        "entry": expiry.entry_on(views.entry_of(case), today).model_dump(
            mode="json", exclude_none=True
        ),
        **{name: record.get(name, []) for name in HELD},
        "history": [_change(row, staff) for row in changes],
    }
    return redacted(data, staff) if redact else data


def _change(row: tuple[str, str, str], staff: StaffDirectory) -> dict[str, str]:
    day, action, officer = row
    member = staff.by_id(officer)
    role = member.role if member else ("former staff" if officer not in ("", "-") else "system")
    return {"date": day, "action": action, "officer_role": role, "officer": officer}


def _staff_pattern(staff: StaffDirectory) -> re.Pattern[str] | None:
    """Staff names, e-mails and distinctive ids as they might appear in free text."""
    words: list[str] = []
    for member in staff.staff:
        words += [rf"(?i:{re.escape(member.name)})", rf"(?i:{re.escape(member.email)})"]
        words.append(rf"\({re.escape(member.id)}\)")  # as plain.py names a single point of contact
        if member.role not in SERVICE_ROLES:  # a service account's name is not a person's
            words += [rf"\b{re.escape(p)}\b" for p in member.name.split() if len(p) >= 3]
        if re.search(r"[0-9._-]", member.id):  # ids like "j.smith" or "officer2", never plain words
            words.append(rf"(?<![\w.-]){re.escape(member.id)}(?![\w-])")
    if not words:
        return None
    return re.compile("|".join(sorted(words, key=len, reverse=True)))


def redacted(data: dict[str, Any], staff: StaffDirectory) -> dict[str, Any]:
    """Staff and third parties taken out; the person's own details are theirs and stay."""
    pattern = _staff_pattern(staff)

    def walk(value: Any, key: str) -> Any:
        if key == "person":
            return value
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if isinstance(value, str):
            if key in STAFF_FIELDS:
                return STAFF_MARK
            if key in THIRD_PARTY_FIELDS:
                return THIRD_PARTY_MARK
            return pattern.sub(STAFF_MARK, value) if pattern else value
        return value

    return {k: walk(v, k) for k, v in data.items()}


# --- the readable copy ---------------------------------------------------------------------------

_TITLES = {
    "person": "Your details",
    "entry": "The register entry",
    "incidents": "Incidents",
    "decisions": "Decisions",
    "reviews": "Reviews",
    "appeals": "Appeals",
    "adjustments": "Reasonable adjustments",
    "letters": "Letters sent to you",
    "foi": "Freedom of Information decisions",
    "history": "History of changes to your record",
}


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{_label(k)}: {_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value) or "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _dl(item: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><th>{html.escape(_label(k))}</th>"
        f"<td>{html.escape(STEP_NAMES.get(v, v) if k == 'step' else _text(v))}</td></tr>"
        for k, v in item.items()
    )
    return f"<table>{rows}</table>"


def _block(name: str, value: Any) -> str:
    title = f"<h2>{html.escape(_TITLES[name])}</h2>"
    if isinstance(value, dict):
        return title + _dl(value)
    if not value:
        return title + "<p>None held.</p>"
    return title + "".join(_dl(item) for item in value)


def render_html(data: dict[str, Any]) -> str:
    """The export as a self-contained HTML page."""
    produced = long_date(dt.date.fromisoformat(data["produced_on"]))
    note = (
        "Names and details of council staff and of other people have been redacted."
        if data["redacted"]
        else "Nothing has been redacted."
    )
    body = "".join(_block(name, data[name]) for name in _TITLES)
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Subject access</title><style>"
        "body{font-family:sans-serif;font-size:10.5pt}table{border-top:1px solid #999;"
        "margin-bottom:8pt;width:100%}th{text-align:left;vertical-align:top;width:11em}"
        "</style></head><body>"
        f"<h1>Information {html.escape(data['council'])} holds about you</h1>"
        f"<p>Reference {html.escape(data['case'])}. Produced on {produced}. {note}</p>"
        f"{body}</body></html>"
    )


def render_pdf(data: dict[str, Any]) -> bytes:
    """The export as a PDF."""
    import weasyprint  # slow to import; only this export needs it

    no_fetching = weasyprint.urls.URLFetcher(allowed_protocols=())
    return bytes(weasyprint.HTML(string=render_html(data), url_fetcher=no_fetching).write_pdf())


# --- writing and recording ----------------------------------------------------------------------


def check_unused(folder: Path) -> None:
    """Refuse a folder that exists and is not empty: an export never mixes with other files."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise Refused(f"{folder} already exists and is not empty; give a new folder")


def new_folder(folder: Path) -> bool:
    """Make the folder 0700; True when it was made here. An existing one must be empty."""
    check_unused(folder)
    if folder.exists():
        os.chmod(folder, 0o700)
        return False
    folder.mkdir(mode=0o700, parents=True)
    os.chmod(folder, 0o700)  # mkdir's mode is masked by the umask
    return True


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _manifest(case_id: str, today: dt.date, redact: bool, files: dict[str, bytes]) -> bytes:
    listed = [{"name": n, "sha256": _sha256(b), "bytes": len(b)} for n, b in files.items()]
    body = {"case": case_id, "produced_on": today.isoformat(), "redacted": redact, "files": listed}
    return (json.dumps(body, indent=2) + "\n").encode()


def disclosures(reg: Register) -> list[dict[str, Any]]:
    """Every subject access disclosure recorded."""
    path = reg.root / DISCLOSURES
    if not path.exists():
        return []
    data = load_strict(path.read_bytes(), DISCLOSURES) or {}
    return list((data.get("disclosures") if isinstance(data, dict) else None) or [])


def disclose(session: Session, case_id: str, out: Path, redact: bool = True) -> Export:
    """Write the export for one case and record the disclosure in one commit."""
    if session.actor.role not in STAFF_ADMIN_ROLES:
        raise Refused(
            "only an IG officer, manager or head of service may answer a subject access request"
        )
    folder = outside_register(session.reg.root, out)
    check_unused(folder)  # before the slow part, so a mistake is told at once
    _, case = session.reg.load_case(case_id, session.ring)
    data = subject_data(
        case,
        session.reg.cfg.council,
        history(session.reg, case.id),
        session.reg.staff,
        session.today,
        redact,
    )
    files = {
        f"{case.id}.json": (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode(),
        f"{case.id}.pdf": render_pdf(data),
    }
    files["manifest.json"] = _manifest(case.id, session.today, redact, files)
    with session.reg.locked():
        made = new_folder(folder)
        written: list[Path] = []
        try:
            for name, content in files.items():
                create_private_file(folder / name, content)
                written.append(folder / name)
            commit = _record(session, case.id, redact, _sha256(files["manifest.json"]))
        except BaseException:
            # An export with no record of it must not survive.
            for path in written:
                path.unlink(missing_ok=True)
            if made:
                shutil.rmtree(folder, ignore_errors=True)
            raise
    return Export(folder, written, commit)


def _record(session: Session, case_id: str, redact: bool, manifest_sha: str) -> str:
    entry = {
        "id": case_id,
        "date": session.today.isoformat(),
        "by": session.actor.id,
        "redacted": redact,
        "manifest_sha256": manifest_sha,
    }
    message = session.message("sar", case_id, extra=[("Ucbr-Redacted", "yes" if redact else "no")])
    return record_disclosure(session, entry, message)


def record_disclosure(
    session: Session,
    entry: dict[str, Any],
    message: git.CommitMessage,
    also: Callable[[str], list[Problem]] | None = None,
) -> str:
    """Add one disclosure to ``.ucbr/disclosures.yaml``, in a commit of its own (undone if
    ``also`` finds a problem with it)."""
    text = DISCLOSURES_HEADER + dump_plain({"disclosures": [*disclosures(session.reg), entry]})
    return session.commit({DISCLOSURES: text}, message, also)
