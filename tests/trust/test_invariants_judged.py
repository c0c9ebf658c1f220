"""Each invariant of the register's own files, and what frontline judges of an entry, is
judged everywhere it can be: refused on write with nothing written, flagged by `check`
where it is a rule about the register as it stands, and reported by the audit.

The attacks themselves, pushed past a server, are in ``test_rules_from_history``; here
each rule is met by the write path, `check` and a frontline clone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

import pytest

from tests.regkit import Reg, on_register, patched_env
from tests.trust.forgery import record_of, sealed, stranger
from tests.trust.test_attacks import forge, trailers
from tests.trust.test_fail_closed import _lifted
from tests.trust.test_rules_from_history import _rewrapped, _staff_text
from ucbr.domain.staff import StaffDirectory
from ucbr.domain.views import sections_of
from ucbr.errors import Refused
from ucbr.services.session import Session
from ucbr.services.trust import check_new_commit
from ucbr.storage import envelope, git
from ucbr.storage.files import encode
from ucbr.storage.store import Register
from ucbr.storage.vault import encrypt, load_identity_file, section_recipients

pytestmark = pytest.mark.e2e


@contextlib.contextmanager
def session_of(reg: Reg, staff_id: str) -> Iterator[Session]:
    """A member's session, in process, as every ucbr command that changes the register has."""
    with patched_env(reg.env(staff_id)):
        register = Register.open(reg.root)
        ring = register.keyring(load_identity_file(reg.keys[staff_id]))
        actor = register.staff.by_id(staff_id)
        assert actor is not None
        yield Session(register, ring, actor, dt.date.fromisoformat(reg.today),
                      git.Signer(key_file=reg.keys[staff_id]), check_new_commit)  # fmt: skip


def test_a_removal_that_keeps_the_tier_keys_is_refused_on_write(reg: Reg) -> None:
    """A staff-remove whose files keep the leaver's tier keys is refused before anything is
    written, naming the invariant."""
    with session_of(reg, "mgr") as session:
        kept = StaffDirectory(staff=[m for m in session.reg.staff.staff if m.id != "officer2"])
        files = {".ucbr/staff.yaml": _staff_text(kept), **_rewrapped(reg, "mgr", kept)}
        message = session.message("staff-remove", "officer2", extra=[("Ucbr-Staff", "officer2")])
        before = reg.state()
        with pytest.raises(Refused, match=r"\[leaver-loses-access\]"):
            session.commit(files, message)
    assert reg.state() == before


def test_a_retention_deletion_of_a_case_on_the_register_is_refused_on_write(reg: Reg) -> None:
    """A retention commit deleting a case on the register is refused before anything is
    written (the retention rules re-derived from the record, not trusted to the caller)."""
    case = on_register(reg)
    before = reg.state()
    with session_of(reg, "ig") as session:
        message = session.message("retention", "", ids=[case])
        with pytest.raises(Refused, match=r"on the register \[retention-when-due\]"):
            session.commit({f"cases/{case}.yaml": None}, message)
    assert reg.state() == before and (reg.root / f"cases/{case}.yaml").exists()


def _resealed(reg: Reg, case: str, schedule_from: object, entry_from: object, record: str) -> str:
    """A case file with the schedule and entry of the records given (sealed to the public
    tier keys) around the record armor given."""
    with patched_env(reg.env("officer")):
        register = Register.open(reg.root)
        public = register.public_tiers()
        cfg = register.cfg
    armored = {"record": record}
    for name, source in (("schedule", schedule_from), ("entry", entry_from)):
        section = sections_of(source, cfg)[name]  # type: ignore[arg-type]
        armored[name] = encrypt(encode(section), section_recipients(name, public))
    return envelope.render(envelope.Envelope("case", case, armored))


def _record_armor(reg: Reg, case: str) -> str:
    text = (reg.root / f"cases/{case}.yaml").read_text()
    return envelope.parse(text, case).sections["record"]


def test_a_schedule_and_entry_that_disagree_are_refused_by_frontline_and_check(reg: Reg) -> None:
    """A schedule that says the case is off the register beside an entry that says it is
    on: frontline's next command refuses the commit, and frontline's `check` flags it."""
    case = on_register(reg)
    record = record_of(reg, "officer", case)
    lifted = _lifted(record, reg.today)  # type: ignore[arg-type]
    text = _resealed(reg, case, lifted, record, _record_armor(reg, case))
    sha = forge(reg, "officer", trailers(reg, "review", "officer", case),
                {f"cases/{case}.yaml": text})  # fmt: skip
    looked = reg.run("front", "lookup", "Alex Example")
    assert looked.code == 6 and sha in looked.err and "[sections-agree]" in looked.err
    checked = reg.run("front", "check")
    assert checked.code == 6 and "[sections-agree]" in checked.out
    assert reg.run("ig", "audit").code == 6


def test_an_entry_changed_without_its_record_is_refused_by_frontline(reg: Reg) -> None:
    """The entry and schedule of a lifted restriction beside the very same record armor as
    before: frontline proves, without reading the record, that they no longer follow it."""
    case = on_register(reg)
    lifted = _lifted(record_of(reg, "officer", case), reg.today)  # type: ignore[arg-type]
    text = _resealed(reg, case, lifted, lifted, _record_armor(reg, case))
    sha = forge(reg, "officer", trailers(reg, "review", "officer", case),
                {f"cases/{case}.yaml": text})  # fmt: skip
    looked = reg.run("front", "lookup", "Alex Example")
    assert looked.code == 6 and sha in looked.err and "[entry-follows-record]" in looked.err
    audited = reg.run("ig", "audit")
    assert audited.code == 6 and "the entry section does not say what the record says" in (
        audited.out
    )


def test_a_frontline_case_on_the_register_is_reported_by_the_casework_audit(reg: Reg) -> None:
    """Frontline seals a whole case on the register: the casework audit names the record
    invariant it breaks, as well as frontline's own refusal."""
    case = on_register(reg)
    record = record_of(reg, "officer", case).model_copy(update={"id": "C-0000000Z"})
    path = "cases/C-0000000Z.yaml"
    sha = forge(reg, "front", trailers(reg, "add-incident", "front", "C-0000000Z"),
                {path: sealed(reg, "front", record)})  # fmt: skip
    audited = reg.run("ig", "audit")
    assert audited.code == 6 and sha in audited.out
    assert "front, whose key cannot read records, put someone on the register" in audited.out
    assert "[frontline-creates-off-register]" in audited.out
    looked = reg.run("front", "lookup", "Alex Example")
    assert "[entry-changes-by-its-action]" in looked.err


def test_honest_work_breaks_no_invariant(reg: Reg) -> None:
    """Every step of the policy, a removal and a rotation made with ucbr: the audit finds
    nothing, with a casework key and with frontline's (no rule refuses honest work)."""
    case = on_register(reg)
    reg.ok("officer", "adjustments", case, "--add", "needs_interpreter")
    reg.ok("officer", "appeal", "lodge", case, "--received", reg.today)
    reg.ok("head", "appeal", "decide", case, "--outcome", "upheld", "--reasons", "Stands.")
    reg.ok("officer", "review", case, "--outcome", "lift", "--reasons", "Calmer now.",
           "--significant-change")  # fmt: skip
    reg.ok("mgr", "staff", "remove", "officer2")
    reg.ok("mgr", "settings", "set", "review_interval_months", "3")
    assert reg.run("ig", "audit").code == 0
    assert reg.run("front", "audit").code == 0
    assert reg.run("front", "check").code in (0, 5)


def test_public_tier_keys_renewed_without_their_tier_keys_are_reported(reg: Reg) -> None:
    """A removal by hand that publishes new public tier keys but keeps the old tier keys
    (the leaver still opens them) passes the keyless rule, and is reported by a casework
    audit: each tier key is not the key its public file names."""
    directory = _directory_of(reg)
    kept = StaffDirectory(staff=[m for m in directory.staff if m.id != "officer2"])
    files = {".ucbr/staff.yaml": _staff_text(kept), **_rewrapped(reg, "mgr", kept)}
    for tier in ("scheduler", "frontline", "casework"):
        files[f".ucbr/recipients/{tier}.txt"] = f"{stranger()}\n"
    message = trailers(reg, "staff-remove", "mgr") + "Ucbr-Staff: officer2\n"
    sha = forge(reg, "mgr", message, files)
    audited = reg.run("ig", "audit")
    assert audited.code == 6 and "[leaver-loses-access]" not in audited.out
    assert (
        f"{sha} .ucbr/tiers/casework.age: the casework tier key is not the key "
        ".ucbr/recipients/casework.txt names"
    ) in audited.out


def _directory_of(reg: Reg) -> StaffDirectory:
    with patched_env(reg.env("mgr")):
        return Register.open(reg.root).staff
