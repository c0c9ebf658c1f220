"""The local cache of decrypted sections is never stale, never readable by more, never trusted.

Each test runs the real commands on a real register and then looks at what the cache did:
a changed file is read again, a rotated tier key leaves the old cache unreadable and
unused, a damaged, foreign, forged or symlinked cache is ignored and rebuilt, and nothing
plaintext reaches the disk.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pyrage
import pytest

from tests.regkit import Reg, write_key
from ucbr.storage import localstate
from ucbr.storage.cache import SectionCache, blob_id, clear_cache
from ucbr.storage.store import Register
from ucbr.storage.vault import load_identity_file

NAME = "Alexandra Quinlan-Example"


def cache_dir(reg: Reg) -> Path:
    return reg.root / ".git" / "ucbr" / "cache"


def tier_key(reg: Reg, staff_id: str, tier: str) -> pyrage.x25519.Identity:
    ring = Register.open(reg.root).keyring(load_identity_file(reg.keys[staff_id]))
    return ring.tiers[tier]  # type: ignore[index]


def stored(reg: Reg, staff_id: str, tier: str) -> SectionCache:
    return SectionCache.open(reg.root, tier, tier_key(reg, staff_id, tier))  # type: ignore[arg-type]


def listing(reg: Reg, staff_id: str = "officer") -> list[dict[str, object]]:
    data = json.loads(reg.ok(staff_id, "list", "--json"))
    assert isinstance(data, list)
    return data


def test_a_scan_fills_the_cache_and_the_next_reads_from_it(reg: Reg) -> None:
    """After one scan every file's section is cached; the second gives the same answer."""
    ids = [reg.new_case()[0] for _ in range(3)]
    first = listing(reg)
    assert len(stored(reg, "officer", "scheduler")) == len(ids)
    assert listing(reg) == first
    due = reg.run("cron", "review-due", "--json")
    assert reg.run("cron", "review-due", "--json") == due


def test_warm_answers_are_the_cold_answers(reg: Reg, monkeypatch: pytest.MonkeyPatch) -> None:
    """lookup, list, review-due and check say exactly the same with and without the cache."""
    reg.new_case(name=NAME)
    reg.new_case(name="Sam Other")
    commands = [
        ("front", ("lookup", NAME, "--json")),
        ("officer", ("list", "--json")),
        ("cron", ("review-due", "--json")),
        ("officer", ("check", "--json")),
    ]
    warm = [reg.run(who, *args) for who, args in commands]  # fills the caches
    warm = [reg.run(who, *args) for who, args in commands]  # reads them
    monkeypatch.setenv("UCBR_NO_CACHE", "1")
    assert [reg.run(who, *args) for who, args in commands] == warm


def test_a_changed_file_is_never_served_stale(reg: Reg) -> None:
    """A case changed by a command, or by hand without a commit, is read again at once."""
    case_id, _ = reg.new_case()
    before = {row["id"]: row for row in listing(reg)}[case_id]
    reg.ok(
        "officer", "escalate", case_id, "--incident", reg_incident(reg, case_id), "--note", "Told."
    )
    after = {row["id"]: row for row in listing(reg)}[case_id]
    assert after != before
    # Now by hand: the file goes back to its old content, uncommitted.
    path = reg.root / "cases" / f"{case_id}.yaml"
    old = reg.git("show", f"HEAD~1:cases/{case_id}.yaml")
    path.write_text(old)
    assert {row["id"]: row for row in listing(reg)}[case_id] == before


def reg_incident(reg: Reg, case_id: str) -> str:
    data = json.loads(reg.ok("officer", "show", case_id, "--json"))
    return str(data["record"]["incidents"][0]["id"])


def test_a_file_edited_in_place_with_its_old_mtime_is_still_read_again(reg: Reg) -> None:
    """Restoring the modification time after an edit does not fool the cache (git sees ctime)."""
    case_id, _ = reg.new_case()
    listing(reg)
    path = reg.root / "cases" / f"{case_id}.yaml"
    text = path.read_text()
    info = path.stat()
    # One character of the schedule's ciphertext, changed in place: the same size.
    at = text.index("-----END AGE", text.index("schedule: |")) - 10
    with open(path, "r+") as fh:
        fh.seek(at)
        fh.write("A" if text[at] != "A" else "B")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size
    result = reg.run("officer", "list")
    assert result.code == 6 and f"cases/{case_id}.yaml" in result.err


def test_a_rotated_tier_key_empties_the_cache(reg: Reg, tmp_path: Path) -> None:
    """After a key rotation the old cache is unusable, and what replaces it is sealed anew."""
    reg.new_case(name=NAME)
    listing(reg)
    old_key = tier_key(reg, "officer", "scheduler")
    assert len(SectionCache.open(reg.root, "scheduler", old_key)) == 1
    new_key = tmp_path / "officer-new.txt"
    reg.ok("mgr", "keys", "rotate", "officer", "--recipient", write_key(new_key))
    reg.keys["officer"] = new_key
    assert not (cache_dir(reg) / "scheduler.age").exists()  # cleared by the rotation
    rows = listing(reg)
    assert len(rows) == 1
    sealed = (cache_dir(reg) / "scheduler.age").read_bytes()
    with pytest.raises(pyrage.DecryptError):
        pyrage.decrypt(sealed, [old_key])
    assert len(stored(reg, "officer", "scheduler")) == 1


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped", "empty", "other-tier"])
def test_a_damaged_cache_is_ignored_and_rebuilt(reg: Reg, damage: str) -> None:
    """A cache that is garbage, cut short, altered or another tier's is ignored, then rebuilt."""
    reg.new_case()
    reg.ok("front", "lookup", "Alex Example")  # the frontline cache, for "other-tier"
    expected = listing(reg)
    path = cache_dir(reg) / "scheduler.age"
    sealed = path.read_bytes()
    damaged = {
        "garbage": os.urandom(len(sealed)),
        "truncated": sealed[: len(sealed) // 2],
        "flipped": sealed[:-20] + bytes([sealed[-20] ^ 1]) + sealed[-19:],
        "empty": b"",
        "other-tier": (cache_dir(reg) / "frontline.age").read_bytes(),
    }[damage]
    path.write_bytes(damaged)
    assert listing(reg) == expected
    assert len(stored(reg, "officer", "scheduler")) == 1


def test_a_cache_forged_with_the_public_key_is_ignored(reg: Reg) -> None:
    """Anyone can encrypt to the public tier key; without the secret key the MAC gives it away."""
    case_id, _ = reg.new_case()
    expected = listing(reg)
    cache = stored(reg, "officer", "scheduler")
    (blob,) = cache.lines
    forged = json.dumps({"id": case_id, "kind": "case", "status": "lifted", "on_register": False})
    header = cache._header()
    body = f"{blob} {forged}\n".encode()
    plain = header + b"\n" + b"0" * 64 + b"\n" + body
    public = pyrage.x25519.Recipient.from_str(cache.recipient)
    (cache_dir(reg) / "scheduler.age").write_bytes(pyrage.encrypt(plain, [public]))
    assert listing(reg) == expected


def test_a_symlinked_cache_is_not_followed(reg: Reg, tmp_path: Path) -> None:
    """A symlink where the cache file or folder should be is neither read nor written through."""
    reg.new_case()
    listing(reg)
    target = tmp_path / "elsewhere.age"
    target.write_bytes(b"not yours")
    path = cache_dir(reg) / "scheduler.age"
    path.unlink()
    path.symlink_to(target)
    expected = listing(reg)
    assert target.read_bytes() == b"not yours"
    assert not path.is_symlink() and stat.S_IMODE(path.stat().st_mode) == 0o600
    # The whole folder a symlink: not used at all.
    clear_cache(reg.root)
    folder = reg.root / ".git" / "ucbr"
    for entry in folder.iterdir():
        if entry.is_dir():
            entry.rmdir()
        else:
            entry.unlink()
    folder.rmdir()
    outside = tmp_path / "outside"
    outside.mkdir(mode=0o700)
    folder.symlink_to(outside)
    assert listing(reg) == expected
    assert list(outside.iterdir()) == []


def test_the_cache_is_private(reg: Reg) -> None:
    """The folders are 0700 and the files 0600, outside the working tree and ignored by git."""
    reg.new_case()
    reg.ok("officer", "check")
    local = reg.root / ".git" / "ucbr"
    assert stat.S_IMODE(local.stat().st_mode) == 0o700
    assert stat.S_IMODE(cache_dir(reg).stat().st_mode) == 0o700
    files = sorted(p.name for p in cache_dir(reg).iterdir())
    assert files == ["casework.age", "frontline.age", "scheduler.age"]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in cache_dir(reg).iterdir())
    assert reg.git("status", "--porcelain", "--untracked-files=all") == ""


def test_nothing_plaintext_reaches_the_disk(reg: Reg) -> None:
    """After every cached command, a name and a summary are nowhere in .git or the register."""
    reg.new_case(name=NAME)
    for who, args in [
        ("front", ("lookup", NAME)),
        ("officer", ("list",)),
        ("cron", ("review-due",)),
        ("officer", ("check",)),
    ]:
        reg.run(who, *args)
    needles = [NAME.encode(), b"Shouted and swore", b"Quinlan"]
    for path in reg.root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            assert not any(n in data for n in needles), path


def test_cache_clear_removes_it_and_the_next_scan_rebuilds_it(reg: Reg) -> None:
    """`ucbr cache clear` deletes the cache files; nothing else changes."""
    reg.new_case()
    reg.ok("officer", "check")
    state = reg.state()
    assert "3 files removed" in reg.ok("officer", "cache", "clear")
    assert list(cache_dir(reg).iterdir()) == []
    assert reg.state() == state
    assert "0 files removed" in reg.ok("officer", "cache", "clear")
    listing(reg)
    assert [p.name for p in cache_dir(reg).iterdir()] == ["scheduler.age"]


def test_no_cache_when_the_environment_says_so(reg: Reg, monkeypatch: pytest.MonkeyPatch) -> None:
    """With UCBR_NO_CACHE set, every section is decrypted and no cache is written (the
    clone's other local state, such as the last verified commit, still is)."""
    monkeypatch.setenv("UCBR_NO_CACHE", "1")
    reg.new_case()
    listing(reg)
    reg.ok("officer", "check")
    assert not (reg.root / ".git" / "ucbr" / "cache").exists()


def test_deleted_files_leave_the_cache_at_the_next_scan(reg: Reg) -> None:
    """Entries of files no longer in the register are dropped when the cache is next written."""
    keep, _ = reg.new_case()
    gone, _ = reg.new_case()
    listing(reg)
    assert len(stored(reg, "officer", "scheduler")) == 2
    (reg.root / "cases" / f"{gone}.yaml").unlink()
    assert [row["id"] for row in listing(reg)] == [keep]
    assert len(stored(reg, "officer", "scheduler")) == 1


def test_blob_id_is_gits() -> None:
    """The cache's key for a file is the id git gives the same content."""
    assert blob_id(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"


def test_local_state_is_one_private_json_file(reg: Reg) -> None:
    """state.json holds what other parts of ucbr remember; damaged, it reads as empty."""
    before = localstate.read_state(reg.root)
    assert "scratch" not in before
    assert localstate.update_state(reg.root, scratch={"commit": "abc"})
    state_file = reg.root / ".git" / "ucbr" / "state.json"
    assert stat.S_IMODE(state_file.stat().st_mode) == 0o600
    assert localstate.read_state(reg.root) == {**before, "format": 1, "scratch": {"commit": "abc"}}
    assert localstate.update_state(reg.root, scratch=None)
    assert localstate.read_state(reg.root) == {**before, "format": 1}
    state_file.write_text("{not json")
    assert localstate.read_state(reg.root) == {}


def test_a_canonical_file_is_rewritten_as_ruamel_would(reg: Reg) -> None:
    """Rewriting a file ucbr wrote needs no YAML round trip: the result is the same text."""
    from ucbr.storage import envelope
    from ucbr.storage.yamlio import rt_dump, rt_load

    case_id, _ = reg.new_case()
    text = (reg.root / "cases" / f"{case_id}.yaml").read_text()
    env = envelope.parse(text, "x")
    swapped = envelope.Envelope(
        env.kind,
        env.id,
        {"schedule": env.sections["record"], "entry": env.sections["schedule"], "record": "x\n"},
    )
    from ruamel.yaml.scalarstring import LiteralScalarString

    data = rt_load(text)
    for name, armor in swapped.sections.items():
        data["sections"][name] = LiteralScalarString(armor)
    assert envelope.render(swapped, text) == rt_dump(data)
    commented = text.replace("kind: case\n", "kind: case  # a hand-written comment\n")
    assert "# a hand-written comment" in envelope.render(swapped, commented)


def test_a_local_folder_open_to_others_is_made_private(reg: Reg) -> None:
    """.git/ucbr created by something else with a loose mode is tightened to 0700, then used."""
    local = reg.root / ".git" / "ucbr"
    local.mkdir(mode=0o755, exist_ok=True)
    os.chmod(local, 0o755)
    reg.new_case()
    listing(reg)
    assert stat.S_IMODE(local.stat().st_mode) == 0o700
    assert (cache_dir(reg) / "scheduler.age").exists()


def test_without_git_the_cache_still_answers_from_the_files(
    reg: Reg, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When git cannot say which files are unchanged, each file is read and hashed: a scan
    still answers from the cache, and rightly."""
    from ucbr.storage import git
    from ucbr.storage.cache import indexed_blobs
    from ucbr.storage.scan import keep, scan

    reg.new_case()
    listing(reg)
    register = Register.open(reg.root)
    ring = register.keyring(load_identity_file(reg.keys["officer"]))
    expected = scan(register, ring, "schedule", keep).found

    def no_git(*args: object, **kwargs: object) -> object:
        raise git.GitError("git is not installed")

    monkeypatch.setattr(git, "run", no_git)
    assert indexed_blobs(reg.root) == {}
    assert scan(register, ring, "schedule", keep).found == expected  # read, hashed, cached
    cache = SectionCache.open(reg.root, "scheduler", ring.tiers["scheduler"])
    assert cache is not None and len(cache) == 1
