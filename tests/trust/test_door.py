"""The server refuses at the door: every path, ref and blob a push brings is in the model.

Each attack is made with what an insider holds (their own key, push access) against a bare
repository with the hook installed by `ucbr server install-hook`; honest work arrives by
`ucbr sync`, the attack by plain git. Each is refused naming the problem, the server keeps
nothing of it, and a clone that takes it by hand stops at the next command (exit 6).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from tests.regkit import Reg, patched_env
from tests.test_sync import server_and_clones, ucbr_on_path
from tests.trust.test_attacks import forge, refused_after, trailers
from tests.trust.test_server import push
from ucbr.storage.store import Register

pytestmark = pytest.mark.e2e


def hooked(reg: Reg) -> tuple[Path, Reg, Reg]:
    """A server with the hook, and two officers' clones, on the machine's own day."""
    reg.today = dt.date.today().isoformat()
    server, olive, otto = server_and_clones(reg)
    reg.ok("mgr", "server", "install-hook", str(server))
    return server, olive, otto


def refs_of(reg: Reg, server: Path) -> str:
    """Every ref the server holds, and where it points."""
    return reg.git("--git-dir", str(server), "for-each-ref", "--format=%(refname) %(objectname)")


def test_attack_files_outside_the_model_are_refused(reg: Reg) -> None:
    """A CI workflow, `.gitmodules`, `.mailmap` or `.gitignore`, committed by a manager
    with the trailers of a settings change and signed, or by hand without any: the hook
    refuses each, naming the file; a clone that takes it stops, and so does the audit."""
    server, olive, _ = hooked(reg)
    before = refs_of(reg, server)
    outside = {
        ".github/workflows/ci.yml": "on: push\njobs: {}\n",
        ".gitmodules": '[submodule "x"]\n\tpath = x\n\turl = ../x\n',
        ".mailmap": "Morgan Manager <mgr@council.example> <officer@council.example>\n",
        ".gitignore": "*\n",
    }
    for path, text in outside.items():
        sha = forge(olive, "mgr", trailers(olive, "settings", "mgr"), {path: text})
        pushed = push(olive, "mgr")
        assert pushed.returncode != 0 and f"{sha} {path}: changed {path}, which" in pushed.stderr
        assert ("not a file a register holds" if path != ".gitignore" else
                "which a settings does not change") in pushed.stderr  # fmt: skip
        if path == ".github/workflows/ci.yml":  # a clone that took it by hand stops too
            refused_after(olive, sha)
        olive.git("reset", "-q", "--hard", "origin/main")
    sha = forge(olive, "officer", "ci\n", {".github/workflows/ci.yml": "on: push\n"})
    pushed = push(olive, "officer")
    assert "changed by hand: the commit has no ucbr trailers" in pushed.stderr
    assert "changed .github/workflows/ci.yml, which is not a file a register holds" in (
        pushed.stderr
    )
    assert refs_of(reg, server) == before


def test_attack_paths_git_quotes_are_refused(reg: Reg) -> None:
    """A record stored under a name git would quote (a tab, a double quote, an escape),
    with trailers naming the case: read exactly as stored, it is no register file."""
    server, olive, _ = hooked(reg)
    with ucbr_on_path():
        case, _ = olive.new_case("officer")
        olive.ok("officer", "sync")
    before = refs_of(reg, server)
    text = (olive.root / f"cases/{case}.yaml").read_text()
    for name, shown in (
        (f"cases/{case}.yaml\t", f"cases/{case}.yaml\\x09"),
        (f'cases/"{case}.yaml', f'cases/"{case}.yaml'),
        (f"cases/{case}\x1b.yaml", f"cases/{case}\\x1b.yaml"),
    ):
        sha = forge(
            olive, "officer", trailers(olive, "add-incident", "officer", case), {name: text}
        )
        pushed = push(olive, "officer")
        assert pushed.returncode != 0
        assert f"changed {shown}, which is not a file a register holds" in pushed.stderr
        if name.endswith("\t"):  # a clone that took it by hand stops too
            refused_after(olive, sha)
        olive.git("reset", "-q", "--hard", "origin/main")
    assert refs_of(reg, server) == before


def test_attack_refs_other_than_main_are_refused(reg: Reg) -> None:
    """Another branch, a tag, and refs pointing at a blob or a tree: a register is the one
    branch `main`, of commits, and the hook takes nothing else."""
    server, olive, _ = hooked(reg)
    before = refs_of(reg, server)
    blob = olive.git("hash-object", "-w", ".ucbr/staff.yaml").strip()
    tree = olive.git("rev-parse", "HEAD^{tree}").strip()
    olive.git("tag", "v1")
    for args, why in (
        (("origin", "HEAD:refs/heads/other"), "only refs/heads/main is pushed"),
        (("origin", "v1"), "only refs/heads/main is pushed"),
        (("origin", f"{blob}:refs/tags/blob"), "only refs/heads/main is pushed"),
        (("origin", f"{tree}:refs/ucbr/tree"), "only refs/heads/main is pushed"),
    ):
        pushed = push(olive, "officer", *args)
        assert pushed.returncode != 0 and why in pushed.stderr, pushed.stderr
    pushed = push(olive, "officer", "--force", "origin", f"{tree}:refs/heads/main")
    assert pushed.returncode != 0
    assert refs_of(reg, server) == before


def test_attack_a_push_that_does_not_descend_from_main_is_refused(reg: Reg) -> None:
    """With git's own guard switched off on the server, a push that rewrites `main` is still
    refused by the hook: history only moves forward."""
    server, olive, _ = hooked(reg)
    reg.git("--git-dir", str(server), "config", "receive.denyNonFastForwards", "false")
    before = refs_of(reg, server)
    olive.git("reset", "-q", "--hard", "HEAD~1")
    pushed = push(olive, "officer", "--force")
    assert pushed.returncode != 0 and "history is never rewritten" in pushed.stderr
    assert refs_of(reg, server) == before


def _resealed(clone: Reg, case: str, how: str) -> str:
    """The case file with its record section sealed again by hand: to its tier key and a
    key of the officer's own ("two"), or in armor wrapped at 76 columns ("wrapped")."""
    from dataclasses import replace

    import pyrage

    from ucbr.storage import envelope
    from ucbr.storage.vault import encrypt, load_identity_file, parse_recipient

    text = (clone.root / f"cases/{case}.yaml").read_text()
    env = envelope.parse(text, case)
    with patched_env(clone.env("officer")):
        register = Register.open(clone.root)
        ring = register.keyring(load_identity_file(clone.keys["officer"]))
        plain = ring.open("record", env.sections["record"])
        tier = parse_recipient(register.public_tiers()["casework"])
    if how == "two":
        extra = pyrage.x25519.Identity.generate().to_public()
        armored = encrypt(plain, [tier, extra])
    else:
        raw = base64.b64encode(pyrage.encrypt(plain, [tier])).decode()
        body = "\n".join(raw[i : i + 76] for i in range(0, len(raw), 76))
        armored = f"-----BEGIN AGE ENCRYPTED FILE-----\n{body}\n-----END AGE ENCRYPTED FILE-----\n"
    sections = {**env.sections, "record": armored}
    return envelope.render(replace(env, sections=sections), text)


def test_attack_a_section_sealed_to_two_keys_or_in_odd_armor_is_refused(reg: Reg) -> None:
    """A record whose section is sealed to its tier key and to a key of the officer's own
    (which would read it for ever), or wrapped in armor age does not write: the hook,
    which holds no key, refuses both from the armor and its stanzas alone."""
    server, olive, _ = hooked(reg)
    with ucbr_on_path():
        case, _ = olive.new_case("officer")
        olive.ok("officer", "sync")
    before = refs_of(reg, server)
    for how, why in (
        ("two", "its record section is sealed to 2 keys"),
        ("wrapped", "its record section is not in age's armor"),
    ):
        text = _resealed(olive, case, how)
        sha = forge(olive, "officer", trailers(olive, "add-incident", "officer", case),
                    {f"cases/{case}.yaml": text})  # fmt: skip
        pushed = push(olive, "officer")
        assert pushed.returncode != 0 and f"{sha} cases/{case}.yaml: {why}" in pushed.stderr
        olive.git("reset", "-q", "--hard", "origin/main")
    assert refs_of(reg, server) == before


def test_attack_the_first_push_to_an_empty_server_is_judged(reg: Reg) -> None:
    """A new server, empty but for the hook and the council's root (by its fingerprint),
    judges its very first push like any other: a history holding a hand-made commit is
    refused, naming it, and the server keeps nothing; the same history without it is
    taken."""
    from ucbr.services.audit.signatures import fingerprint

    today = dt.date.today().isoformat()
    fresh = Reg(root=reg.root.parent / "fresh", home=reg.home, keys=reg.keys, today=today)
    fresh.ok("mgr", "init", str(fresh.root), "--council", "Exampleshire District Council")
    for staff_id, role in (("mgr", "manager"), ("officer", "case_officer")):
        key = reg.keys[staff_id].with_suffix(".txt.pub").read_text().strip()
        fresh.ok("mgr", "staff", "add", staff_id, "--name", staff_id, "--email",
                 f"{staff_id}@council.example", "--role", role, "--key", key)  # fmt: skip
    honest = fresh.git("rev-parse", "HEAD").strip()
    sha = forge(fresh, "officer", "tidy\n", {".mailmap": "x <x@council.example>\n"})
    server = reg.root.parent / "empty.git"
    reg.git("init", "-q", "--bare", "-b", "main", str(server))
    root = fingerprint(reg.keys["mgr"].with_suffix(".txt.pub").read_text())
    reg.ok("mgr", "server", "install-hook", str(server), "--root", root)
    pushed = push(fresh, "officer", str(server), "main")
    assert pushed.returncode != 0 and f"{sha} .mailmap: changed by hand" in pushed.stderr
    assert refs_of(reg, server) == ""
    assert push(fresh, "officer", str(server), f"{honest}:refs/heads/main").returncode == 0
    assert refs_of(reg, server).split() == ["refs/heads/main", honest]


def _armor_shaped(size: int) -> str:
    """Garbage shaped like a case file's armored section, ``size`` bytes or so (one random
    line of armor, over and over: it packs small, as an attacker would send it)."""
    line = base64.b64encode(os.urandom(48)).decode() + "\n    "
    lines = line * (size // len(line))
    return (
        "kind: case\nsections:\n  record: |\n    -----BEGIN AGE ENCRYPTED FILE-----\n    "
        f"{lines}-----END AGE ENCRYPTED FILE-----\n"
    )


def test_attack_a_62mb_armor_shaped_file_is_refused_cheaply(reg: Reg) -> None:
    """62 MB of armor-shaped garbage as a case file, with the trailers of an incident and
    the officer's signature: refused by its size alone, and a clone that took it is
    stopped by its size, at once, by every command and the audit."""
    server, olive, _ = hooked(reg)
    with ucbr_on_path():
        case, _ = olive.new_case("officer")
        olive.ok("officer", "sync")
    before = refs_of(reg, server)
    sha = forge(olive, "officer", trailers(olive, "add-incident", "officer", case),
                {f"cases/{case}.yaml": _armor_shaped(62 * 1024 * 1024)})  # fmt: skip
    started = time.monotonic()
    pushed = push(olive, "officer")
    assert pushed.returncode != 0
    assert f"cases/{case}.yaml at {sha} is " in pushed.stderr
    assert "is larger than a register file may be (4 MiB)" in pushed.stderr
    assert time.monotonic() - started < 60
    assert refs_of(reg, server) == before
    started = time.monotonic()
    audited = olive.run("ig", "audit")
    assert audited.code == 6 and f"{sha} cases/{case}.yaml: cases/{case}.yaml at" in audited.out
    listed = olive.run("officer", "list")
    assert listed.code == 6 and "is larger than a register file may be (4 MiB)" in listed.err
    assert time.monotonic() - started < 30


def _loose_blob_of_zeros(repo: Path, size: int) -> str:
    """A blob of ``size`` zero bytes written straight into ``repo``'s objects: a few MB on
    disk, as it would arrive in a pack."""
    chunk = bytes(1 << 20)
    header = f"blob {size}\0".encode()
    digest, deflate = hashlib.sha1(header), zlib.compressobj(1)
    parts = [deflate.compress(header)]
    for _ in range(size // len(chunk)):
        digest.update(chunk)
        parts.append(deflate.compress(chunk))
    parts.append(deflate.flush())
    sha = digest.hexdigest()
    path = repo / "objects" / sha[:2] / sha[2:]
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(b"".join(parts))
    return sha


def test_attack_a_huge_blob_that_packs_small_costs_the_hook_nothing(reg: Reg) -> None:
    """A case file of 1.2 GB of zeros, a few MB packed, arrives in a commit on `main`: the
    installed hook refuses it from git's object header, in seconds and without reading
    it (its memory stays far below the blob's size)."""
    server, olive, _ = hooked(reg)
    env = {**os.environ, "GIT_DIR": str(server), **olive.env("officer")}
    blob = _loose_blob_of_zeros(server, 1200 * 1024 * 1024)
    main = reg.git("--git-dir", str(server), "rev-parse", "main").strip()
    index = {**env, "GIT_INDEX_FILE": str(server / "attack-index")}
    path = "cases/C-7K2M9QXD.yaml"
    for args in (("read-tree", main), ("update-index", "--add", "--cacheinfo",
                                       f"100644,{blob},{path}")):  # fmt: skip
        subprocess.run(["git", *args], env=index, check=True, capture_output=True)
    tree = subprocess.run(["git", "write-tree"], env=index, check=True, capture_output=True,
                          text=True).stdout.strip()  # fmt: skip
    message = trailers(olive, "add-incident", "officer", "C-7K2M9QXD")
    made = subprocess.run(["git", "commit-tree", tree, "-p", main, "-F", "-"], input=message,
                          env=env, check=True, capture_output=True, text=True)  # fmt: skip
    new = made.stdout.strip()
    measure = (
        "import resource, subprocess, sys, time\n"
        "t = time.monotonic()\n"
        "p = subprocess.run([sys.argv[1]], input=sys.argv[2].encode(), capture_output=True)\n"
        "sys.stderr.write(p.stderr.decode())\n"
        "kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(p.returncode, time.monotonic() - t, kb)\n"
    )
    hook = str(server / "hooks" / "pre-receive")
    ran = subprocess.run([sys.executable, "-c", measure, hook, f"{main} {new} refs/heads/main\n"],
                         env=env, capture_output=True, text=True, check=True)  # fmt: skip
    code, seconds, kilobytes = ran.stdout.split()
    assert code == "1" and f"{path} at {new[:7]} is larger than" in ran.stderr
    assert f"({1200 * 1024 * 1024} bytes)" in ran.stderr
    assert float(seconds) < 15
    assert int(kilobytes) < 300 * 1024
