"""Leavers and lost keys: new tier keys, every file re-encrypted in one commit, resumable."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.regkit import INCIDENT_ARGS, Reg, email_of, write_key
from ucbr.domain.staff import TIERS, Tier
from ucbr.services import rotation
from ucbr.services.exposure import exposure
from ucbr.storage import envelope, git
from ucbr.storage.store import Register
from ucbr.storage.vault import Keyring, decrypt, load_identity_file


def ring_of(reg: Reg, staff_id: str) -> Keyring:
    """The tier keys this member's own key opens in the register as it is now."""
    return Register.open(reg.root).keyring(load_identity_file(reg.keys[staff_id]))


def sections(reg: Reg) -> dict[tuple[str, str], str]:
    r = Register.open(reg.root)
    found = {}
    for file_id in r.ids():
        env = envelope.parse(r.read_text(file_id), file_id)
        found.update({(file_id, name): armored for name, armored in env.sections.items()})
    return found


def opens(ring: Keyring, armored: str) -> bool:
    return decrypt(armored, list(ring.tiers.values())) is not None


def cases(reg: Reg, n: int) -> list[str]:
    return [reg.new_case()[0] for _ in range(n)]


def test_staff_remove_renews_tier_keys_and_reencrypts_in_one_commit(reg: Reg) -> None:
    """A leaver's tiers get new keys and every section is re-encrypted, all in one commit."""
    ids = cases(reg, 2)
    old_ring = ring_of(reg, "officer2")
    head = reg.git("rev-parse", "HEAD").strip()
    out = reg.ok("mgr", "staff", "remove", "officer2")
    assert reg.git("rev-list", "--count", f"{head}..HEAD").strip() == "1"
    assert "removed officer2" in out and all(i in out for i in ids)
    assert ring_of(reg, "officer2").tiers == {}
    assert Register.open(reg.root).staff.by_id("officer2") is None
    for armored in sections(reg).values():
        assert not opens(old_ring, armored)
        assert opens(ring_of(reg, "officer"), armored)
    assert ids[0] in reg.ok("officer", "show", ids[0])
    assert reg.run("mgr", "check").code == 0
    message = reg.git("log", "-1", "--format=%B")
    assert "Ucbr-Action: staff-remove" in message and "Ucbr-Staff: officer2" in message
    assert reg.git("status", "--porcelain") == ""


def test_frontline_leaver_renews_only_the_tiers_they_held(reg: Reg) -> None:
    """A frontline leaver renews the frontline and scheduler tiers; the record is untouched."""
    (case_id,) = cases(reg, 1)
    before = sections(reg)
    public = {t: Register.open(reg.root).public_tier(t) for t in TIERS}
    reg.ok("mgr", "staff", "remove", "front")
    after = sections(reg)
    assert after[(case_id, "record")] == before[(case_id, "record")]
    assert after[(case_id, "entry")] != before[(case_id, "entry")]
    assert after[(case_id, "schedule")] != before[(case_id, "schedule")]
    changed: set[Tier] = {t for t in TIERS if Register.open(reg.root).public_tier(t) != public[t]}
    assert changed == {"scheduler", "frontline"}
    assert reg.run("cron", "list").code == 0


def test_dry_run_lists_the_change_and_writes_nothing(reg: Reg) -> None:
    """`--dry-run` names the tiers and files that would change and leaves the register as it was."""
    ids = cases(reg, 2)
    before = reg.state()
    out = reg.ok("mgr", "staff", "remove", "officer2", "--dry-run")
    assert "would remove officer2" in out and all(i in out for i in ids)
    assert reg.state() == before
    assert not rotation.staging_dir(Register.open(reg.root)).exists()


def test_keys_rotate_replaces_a_lost_key(reg: Reg, tmp_path: Path) -> None:
    """A rotated key opens nothing; the replacement reads everything the member could."""
    (case_id,) = cases(reg, 1)
    old_ring = ring_of(reg, "officer")
    new_key = tmp_path / "officer-new.txt"
    recipient = write_key(new_key)
    reg.ok("mgr", "keys", "rotate", "officer", "--recipient", recipient)
    assert ring_of(reg, "officer").tiers == {}
    assert not any(opens(old_ring, a) for a in sections(reg).values())
    reg.keys["officer"] = new_key
    assert case_id in reg.ok("officer", "show", case_id)
    assert Register.open(reg.root).staff.by_id("officer").recipients == [recipient]  # type: ignore[union-attr]


def test_a_rotated_key_stops_signing_and_the_new_one_signs(reg: Reg, tmp_path: Path) -> None:
    """The lost key no longer signs for the member; their new key signs their next change,
    which the audit takes."""
    (case_id,) = cases(reg, 1)
    new_key = tmp_path / "officer-new.txt"
    recipient = write_key(new_key)
    reg.ok("mgr", "keys", "rotate", "officer", "--recipient", recipient)
    member = Register.open(reg.root).staff.by_id("officer")
    assert member is not None and member.signing_key == recipient
    reg.keys["officer"] = new_key
    reg.ok("officer", "add-incident", case_id, *INCIDENT_ARGS)
    assert reg.run("ig", "audit").code == 0


@pytest.mark.parametrize(
    ("args", "actor", "reason"),
    [
        (("staff", "remove", "officer2"), "officer", "only a manager"),
        (("staff", "remove", "mgr"), "mgr", "another staff administrator"),
        (("staff", "remove", "nobody"), "mgr", "no such member of staff"),
        (("keys", "rotate", "officer", "--recipient", "not-a-key"), "mgr", "not an age"),
    ],
)
def test_key_changes_refused_change_nothing(
    reg: Reg, args: tuple[str, ...], actor: str, reason: str
) -> None:
    """A refused key change says why in one line and leaves the register untouched."""
    before = reg.state()
    result = reg.run(actor, *args)
    assert result.code == 1 and reason in result.err
    assert reg.state() == before


@pytest.mark.parametrize("where", ["first file", "third file", "commit"])
def test_interrupted_reencryption_resumes(
    reg: Reg, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """Interrupted anywhere, nothing changes; running again finishes, leaving no old-key file."""
    cases(reg, 4)
    old_ring = ring_of(reg, "officer2")
    before = reg.state()
    calls = {"n": 0}
    real_reencrypt, real_commit = rotation.reencrypt, git.commit

    def failing_reencrypt(*args: object, **kwargs: object) -> str:
        calls["n"] += 1
        if calls["n"] == {"first file": 1, "third file": 3}.get(where):
            raise RuntimeError("power cut")
        return real_reencrypt(*args, **kwargs)  # type: ignore[arg-type]

    def failing_commit(*args: object, **kwargs: object) -> str:
        raise RuntimeError("power cut")

    monkeypatch.setattr(rotation, "reencrypt", failing_reencrypt)
    if where == "commit":
        monkeypatch.setattr(git, "commit", failing_commit)
    assert reg.run("mgr", "staff", "remove", "officer2").code != 0
    assert reg.state() == before
    monkeypatch.setattr(rotation, "reencrypt", real_reencrypt)
    monkeypatch.setattr(git, "commit", real_commit)
    out = reg.ok("mgr", "staff", "remove", "officer2")
    staged = {"first file": 0, "third file": 2, "commit": 4}[where]
    assert f"finished an interrupted run; {staged} files were already staged" in out
    assert not any(opens(old_ring, a) for a in sections(reg).values())
    assert all(opens(ring_of(reg, "mgr"), a) for a in sections(reg).values())
    assert reg.git("status", "--porcelain") == ""
    assert not rotation.staging_dir(Register.open(reg.root)).exists()


def test_another_change_waits_for_an_interrupted_one(
    reg: Reg, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a removal is half done, a different key change is refused until it is finished."""
    cases(reg, 1)

    def failing(*args: object, **kwargs: object) -> str:
        raise RuntimeError("power cut")

    monkeypatch.setattr(rotation, "reencrypt", failing)
    assert reg.run("mgr", "staff", "remove", "officer2").code != 0
    result = reg.run("mgr", "staff", "remove", "front")
    assert result.code == 1 and "officer2" in result.err


@contextlib.contextmanager
def _on(reg: Reg, when: str) -> Iterator[None]:
    """Act on ``when``: the policy clock and git's dates both (the audit requires they agree)."""
    saved, reg.today = reg.today, when
    try:
        yield
    finally:
        reg.today = saved


def _add(reg: Reg, staff_id: str, when: str, tmp_path: Path) -> None:
    key = tmp_path / f"{staff_id}.txt"
    recipient = write_key(key)
    reg.keys[staff_id] = key
    with _on(reg, when):
        reg.ok(
            "mgr",
            "staff",
            "add",
            staff_id,
            "--name",
            "New Starter",
            "--email",
            email_of(staff_id),
            "--role",
            "case_officer",
            "--key",
            recipient,
        )


def test_exposure_runs_from_when_the_tier_key_came_into_use(reg: Reg, tmp_path: Path) -> None:
    """Exposure covers files from before a member joined: their tier key opens those too."""
    with _on(reg, "2030-01-10"):
        before_join = reg.new_case()[0]
    _add(reg, "newbie", "2030-02-10", tmp_path)
    with _on(reg, "2030-03-10"):
        after_join = reg.new_case()[0]
    with _on(reg, "2030-04-10"):
        reg.ok("mgr", "staff", "remove", "newbie")
    r = Register.open(reg.root)
    _add(reg, "newbie2", "2030-05-10", tmp_path)
    change = rotation.removal(Register.open(reg.root), r.staff.by_id("mgr"), "newbie2")  # type: ignore[arg-type]
    access, exposed = exposure(Register.open(reg.root), change)
    assert {a.tier: (a.since, a.key_since) for a in access} == {
        t: (dt.date(2030, 5, 10), dt.date(2030, 4, 10)) for t in TIERS
    }
    assert {e.id: e.since for e in exposed} == {
        before_join: dt.date(2030, 5, 10),
        after_join: dt.date(2030, 5, 10),
    }


def test_exposure_of_a_leaver_dates_each_file(reg: Reg, tmp_path: Path) -> None:
    """Each exposed file is dated from when the leaver could first read it, with the sections."""
    with _on(reg, "2030-01-10"):
        before_join = reg.new_case()[0]
    _add(reg, "newbie", "2030-02-10", tmp_path)
    with _on(reg, "2030-03-10"):
        after_join = reg.new_case()[0]
    with _on(reg, "2030-04-10"):
        out = reg.ok("mgr", "staff", "remove", "newbie")
    assert f"{before_join}\tschedule,entry,record\t2030-02-10" in out
    assert f"{after_join}\tschedule,entry,record\t2030-03-10" in out


def test_staging_left_after_its_commit_is_discarded(
    reg: Reg, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Staged keys already in force (a crash just after the commit) do not block the next change."""
    cases(reg, 1)
    monkeypatch.setattr(shutil, "rmtree", lambda *a, **k: None)
    reg.ok("mgr", "staff", "remove", "officer2")
    assert rotation.staging_dir(Register.open(reg.root)).exists()
    monkeypatch.undo()
    assert "would remove front" in reg.ok("mgr", "staff", "remove", "front", "--dry-run")
    reg.ok("mgr", "staff", "remove", "front")
    assert not rotation.staging_dir(Register.open(reg.root)).exists()
