"""Verify a ucbr evidence bundle with nothing but Python's standard library and ssh-keygen.

    python3 -I -S verify.py BUNDLE [--root SHA256:…] [--export DIR]

Exit 0: all proven; 1: a check failed; 3: proven but for what is listed as not proven.
``--root``: the root key as the council publishes it; ``--export DIR``: the chain as a git
repository and its signers, for ``git log`` and ``git verify-commit``."""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import hmac
import json
import re
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path
from typing import Any

FORMAT = "ucbr-evidence-1"
ADMIN = {"manager", "head_of_service", "ig_officer"}
STAFF_ACTIONS = {"init", "staff-add", "staff-remove", "keys-rotate"}
# Actions that change a case record: each commits to it once the register does so.
RECORD_ACTIONS = {"add-incident", "escalate", "approve", "reject", "adjustment", "review",
                  "appeal-lodge", "appeal-decide", "letter", "foi", "import"}  # fmt: skip
ROW_FROM_TRAILERS = {"officer": "Ucbr-Officer", "action": "Ucbr-Action", "policy": "Ucbr-Policy",
                "approves": "Ucbr-Approves", "policy_date": "Ucbr-Date"}  # fmt: skip
TRAILER = re.compile(r"^(Ucbr-[A-Za-z]+): (.*)$")
KEY = re.compile(r"^([a-z_]+):(?: (.*))?$")
Commit = dict[str, Any]
Chain = list[tuple[str, Commit]]


class Bundle:
    """The bundle's folder and objects, and what checking them found."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.failed: list[str] = []
        self.partial: list[str] = []
        self.objects: dict[str, tuple[str, bytes]] = {}
        self.staff: dict[str, list[dict[str, Any]]] = {}
        self.proven: list[str] = []

    def fail(self, message: str) -> int:
        """Say a check failed; exit 1. (``proven``: what passed, said if nothing failed.)"""
        self.failed.append(message)
        print(f"FAIL {message}")
        return 1


def read_objects(bundle: Bundle) -> None:
    """Git objects in ``git cat-file --batch`` form, each checked to be what its id names."""
    data, pos = (bundle.folder / "chain.objects").read_bytes(), 0
    while pos < len(data):
        end = data.index(b"\n", pos)
        oid, kind, size = data[pos:end].decode().split(" ")
        body, pos = data[end + 1 : end + 1 + int(size)], end + 2 + int(size)
        algorithm = "sha1" if len(oid) == 40 else "sha256"
        if hashlib.new(algorithm, f"{kind} {size}\0".encode() + body).hexdigest() != oid:
            bundle.fail(f"object {oid[:7]} is not what its id names: it was changed")
        bundle.objects[oid] = (kind, body)


def commit_of(body: bytes) -> Commit:
    """A commit's tree, parents, author, trailers, and the payload its signature signs."""
    header, _, message = body.partition(b"\n\n")
    kept, signature = [], []  # type: list[bytes], list[bytes]
    for line in header.split(b"\n"):
        if line.startswith(b"gpgsig ") or (signature and line.startswith(b" ")):
            signature.append(line.split(b" ", 1)[1])
        else:
            kept.append(line)
    fields = [line.decode().split(" ", 1) for line in kept]
    email, when = next(v for k, v in fields if k == "author").rsplit("<", 1)[1].split("> ")
    seconds, zone = when.split()
    tz = dt.datetime.strptime(zone, "%z").tzinfo
    return {
        "tree": next(v for k, v in fields if k == "tree"),
        "parents": [v for k, v in fields if k == "parent"],
        "email": email,
        "date": dt.datetime.fromtimestamp(int(seconds), tz).date().isoformat(),
        "trailers": [m.groups() for m in map(TRAILER.match, message.decode().splitlines()) if m],
        "payload": b"\n".join(kept) + b"\n\n" + message,
        "signature": b"\n".join(signature) + b"\n" if signature else b"",
    }


def trailers(commit: Commit, key: str) -> list[str]:
    """Every trailer of the commit with this key (``trailer``: the first, or None)."""
    return [value for name, value in commit["trailers"] if name == key]


def trailer(commit: Commit, key: str) -> str | None:  # noqa: D103
    return next(iter(trailers(commit, key)), None)


def chain_of(bundle: Bundle) -> Chain:
    """The commits from the register's first to the bundle's own, each the next one's parent."""
    commits = {o: commit_of(b) for o, (kind, b) in bundle.objects.items() if kind == "commit"}
    named = {p for c in commits.values() for p in c["parents"]}
    ends = [oid for oid in commits if oid not in named]
    if len(ends) != 1:
        bundle.fail(f"the chain has {len(ends)} ends, not one: a commit was dropped or added")
    order: Chain = []
    here = ends[-1] if ends else None
    while here is not None and here in commits:
        order.append((here, commits[here]))
        if len(commits[here]["parents"]) > 1:
            bundle.fail(f"commit {here[:7]} is a merge, which ucbr never makes")
        here = next(iter(commits[here]["parents"]), None)
    if here is not None:
        child = order[-1][0][:7]
        bundle.fail(f"commit {here[:7]}, parent of {child}, is missing: the chain is broken")
    if order:
        (first, start), (last, end) = order[-1], order[0]
        said = f"{first[:7]} ({start['date']}) to {last[:7]} ({end['date']})"
        bundle.proven.append(f"ok   chain: {len(order)} commits, {said}, each naming its parent")
    return order[::-1]


def ucbr_file(bundle: Bundle, commit: Commit | None, name: str) -> str | None:
    """The id of ``.ucbr/NAME`` at a commit, read from its trees; None where it has none."""
    found = commit["tree"] if commit else None
    for part in (".ucbr", name):
        kind, body = bundle.objects.get(found or "", ("", b""))
        if found is not None and kind != "tree":
            bundle.fail(f"tree {found[:7]} is missing from the chain")
        size, found = len(found or "") // 2, None
        while body and found is None:
            head, body = body.split(b"\0", 1)
            if head.split(b" ", 1)[1].decode() == part:
                found = body[:size].hex()
            body = body[size:]
    return found


def scalar(text: str) -> str:
    """A scalar as ucbr writes YAML: plain or single-quoted; any other form is refused."""
    if len(text) > 1 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if not text or text[0] in " \"'|>&*!{[#%@`" or text[:2] in ("- ", "? ", ": "):
        raise ValueError("a form of YAML ucbr does not write")
    return text


def members_of(bundle: Bundle, blob: str | None) -> list[dict[str, Any]]:
    """The members in ``.ucbr/staff.yaml``, read as ucbr writes it (long values folded)."""
    if blob is not None and blob not in bundle.staff:
        kind, body = bundle.objects.get(blob, ("", b""))
        bundle.staff[blob] = []
        members: list[dict[str, Any]] = []
        try:
            text = body.decode() if kind == "blob" else ""
            blocks = [] if text == "staff: []\n" else text.split("\n- ")
            if blocks and blocks.pop(0) != "staff:":
                raise ValueError("not a staff directory")
            for block in blocks:
                member: dict[str, Any] = {}
                key = ""
                for line in ("  " + block.replace("\n    ", " ")).rstrip("\n").split("\n"):
                    found = KEY.match(line[2:]) if line[:2] == "  " else None
                    if line.startswith("  - ") and isinstance(member.get(key), list):
                        member[key].append(scalar(line[4:]))
                    elif found is None or found[1] in member:
                        raise ValueError("an unexpected line")
                    else:
                        key = found[1]
                        member[key] = scalar(found[2]) if found[2] else []
                members.append(member)
            bundle.staff[blob] = members
        except (ValueError, UnicodeDecodeError):
            bundle.fail(f"staff directory {blob[:7]} is missing or not in the form ucbr writes")
    return bundle.staff.get(blob or "", [])


def signed_by(commit: Commit, member: dict[str, Any]) -> bool:
    """Whether ``ssh-keygen -Y verify`` finds the commit signed with the member's signing key."""
    key = " ".join(str(member.get("signing_key", "")).split()[:2])
    if not commit["signature"] or " " not in key:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "allowed").write_text(f'{member["email"]} namespaces="git" {key}\n')
        Path(tmp, "sig").write_bytes(commit["signature"])
        done = subprocess.run(
            ["ssh-keygen", "-Y", "verify", "-f", f"{tmp}/allowed", "-I", member["email"],
             "-n", "git", "-s", f"{tmp}/sig"],
            input=commit["payload"], capture_output=True, check=False,
        )  # fmt: skip
    return done.returncode == 0


def check_signers(bundle: Bundle, chain: Chain, wanted: set[str]) -> str:
    """Each wanted commit and change of staff signed by its author's key in force; the root."""
    root, parent, changes = "", None, []
    for oid, commit in chain:
        before, after = (ucbr_file(bundle, c, "staff.yaml") for c in (parent, commit))
        action = trailer(commit, "Ucbr-Action") or "(none)"
        changed = parent is not None and before != after
        if changed and action not in STAFF_ACTIONS:
            bundle.fail(f"{oid[:7]} changed the staff directory in a {action}")
        if (changed or oid in wanted) and parent is not None:
            listed = members_of(bundle, before)
            if not listed and action == "staff-add":  # the first member adds themselves
                listed = members_of(bundle, after)
                if root or len(listed) != 1:
                    bundle.fail(f"{oid[:7]}: the staff directory was founded twice, or by two")
                key = base64.b64decode(listed[0]["signing_key"].split()[1]) if listed else b""
                digest = base64.b64encode(hashlib.sha256(key).digest()).decode().rstrip("=")
                root = f"SHA256:{digest}" if listed else root
            email = commit["email"].lower()
            member = next((m for m in listed if m.get("email", "").lower() == email), None)
            if member is None or not signed_by(commit, member):
                bundle.fail(f"{oid[:7]} is not signed with its author's key in force")
            elif trailer(commit, "Ucbr-Officer") != member["id"]:
                bundle.fail(f"{oid[:7]}: its Ucbr-Officer is not its author, {member['id']}")
            elif changed and member["role"] not in ADMIN:
                bundle.fail(f"{oid[:7]}: {member['id']}, a {member['role']}, changed the staff")
            commit["member"] = member or {}
            if changed:
                who = f"{trailer(commit, 'Ucbr-Staff')} by {(member or {}).get('id')}"
                changes.append(f"     {commit['date']}  {oid[:7]}  {action} of {who}")
        parent = commit
    bundle.proven.append(f"ok   staff keys: the root (the first member's) is {root}; each "
                         "change of staff signed by an administrator in force:")  # fmt: skip
    bundle.proven.extend(changes)
    return root


def commitment(leaves: list[list[Any]]) -> str:
    """The commitment disclosed fields prove: ucbr/domain/commitment.py says how."""
    pairs = []
    for leaf in leaves:
        value = json.dumps(leaf[1], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        made = hashlib.sha256(bytes.fromhex(leaf[2]) + value.encode()).hexdigest()
        pairs.append([leaf[0], str(leaf[2]) if len(leaf) == 4 else made])
    body = json.dumps(pairs, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(b"ucbr-record-1\0" + body.encode()).hexdigest()


def flatten(data: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """A record as its fields, named as ucbr names them (ucbr/domain/fields.py)."""
    if isinstance(data, dict):
        found = []
        for key, value in data.items():
            if not (key == "salt" and not prefix):
                found += flatten(value, f"{prefix}.{key}" if prefix else key)
        return found
    if isinstance(data, list) and data and all(isinstance(i, dict) for i in data):
        keys = [i.get("id", f"{i.get('kind')}@{i.get('recorded_on')}") for i in data]
        if len(set(keys)) != len(keys) or any("@None" in str(k) for k in keys):
            keys = [str(n) for n in range(len(data))]
        pairs = zip(keys, data, strict=True)
        return [field for k, item in pairs for field in flatten(item, f"{prefix}[{k}]")]
    return [(prefix, data)]


def check_rows(bundle: Bundle, chain: Chain, report: dict[str, Any]) -> list[list[Any]]:
    """Every commit on the case, in the chronology as it says, its record as committed to;
    the fields of the latest revision committed to (none where it cannot be shown)."""
    case, tip = report["case"], chain[-1][0]
    at = {oid: n for n, (oid, _) in enumerate(chain)}
    rows = [(o, c) for o, c in chain if case in trailers(c, "Ucbr-Case") and o != tip]
    if [row["commit"] for row in report["chronology"]] != [oid for oid, _ in rows]:
        bundle.fail("the chronology is not every commit on the case, in order")
    first = next((n for n, (_, c) in enumerate(chain) if trailer(c, "Ucbr-Record")), len(chain))
    revisions = {r["commit"]: r["leaves"] for r in report["revisions"]}
    latest: list[list[Any]] = []
    for row, (oid, commit) in zip(report["chronology"], rows, strict=False):
        records = trailers(commit, "Ucbr-Record")
        made = [v.split(":", 1)[1] for v in records if v.startswith(case + ":")]
        member = commit.get("member", {})
        says = {key: trailer(commit, name) for key, name in ROW_FROM_TRAILERS.items()} | {
            "date": commit["date"], "record": made[0] if made else None,
            "name": member.get("name"), "role": member.get("role")}  # fmt: skip
        if wrong := [key for key, value in says.items() if row.get(key) != value]:
            bundle.fail(f"the chronology's {', '.join(wrong)} of {oid[:7]} is not the commit's")
        parent = chain[at[oid] - 1][1] if at[oid] else None
        held = [ucbr_file(bundle, c, "policy.yaml") for c in (commit, parent)]
        policies = [hashlib.sha256(bundle.objects[b][1]).hexdigest()[:12] for b in held if b]
        if says["policy"] not in policies:
            bundle.fail(f"{oid[:7]}: its Ucbr-Policy is not the hash of the policy in force")
        latest = revisions.get(oid, []) if made else latest
        if made and oid in revisions:
            if not hmac.compare_digest(commitment(revisions.pop(oid)), made[0]):
                bundle.fail(f"the record at {oid[:7]} is not the record its commit committed to")
        elif made and oid in report.get("unreadable", []):
            bundle.partial.append(f"not proven: {oid[:7]}, a record its maker could not read")
        elif made:
            bundle.fail(f"{oid[:7]} committed to a record the bundle does not disclose")
        elif says["action"] in RECORD_ACTIONS and at[oid] >= first:
            bundle.fail(f"{oid[:7]} changed the record without committing to it")
        elif says["action"] in RECORD_ACTIONS:
            bundle.partial.append(f"not proven: {oid[:7]}, made before records were committed to")
    for oid in revisions:  # left over: not a commit on the case with a commitment
        bundle.fail(f"a revision at {oid[:7]}, which commits to no record of the case")
    bundle.proven.append(f"ok   case {case}: {len(rows)} commits, each signed by its officer's "
                         f"key in force, under the policy it names; {len(report['revisions'])} "
                         "revisions of the record, each as its commit committed to")  # fmt: skip
    return latest


def check_record(bundle: Bundle, report: dict[str, Any], last: list[list[Any]]) -> None:
    """The record the report shows is the latest revision; each letter is what it says."""
    shown = [(leaf[0], leaf[1] if len(leaf) == 3 else f"[redacted: {leaf[3]}]") for leaf in last]
    if not last:
        return bundle.partial.append("not proven: the record shown and its letters (no record "
                                     "committed to, or not the latest)")  # fmt: skip
    if flatten(report["record"]) != shown:
        bundle.fail("the record the report shows is not the last revision committed to")
    recorded = {leaf[0]: leaf[1] for leaf in last}
    ids = {value for path, value in recorded.items() if re.match(r"^letters\[[^]]+\]\.id$", path)}
    if ids != {letter["id"] for letter in report["letters"]}:
        bundle.fail("the letters the report lists are not those the record holds")
    for letter in report["letters"]:
        sha = recorded.get(f"letters[{letter['id']}].sha256")
        path = bundle.folder / letter["file"] if letter.get("file") else None
        held = path.read_bytes() if path is not None and path.is_file() else None
        same = held is not None and hashlib.sha256(held).hexdigest() == sha
        if same != bool(letter["identical"]):
            bundle.fail(f"letter {letter['id']}: the file is not what the report says of it")
    issued = sum(bool(letter["identical"]) for letter in report["letters"])
    bundle.proven.append(
        f"ok   letters: {issued} of {len(report['letters'])} in the bundle as issued"
    )


def export(bundle: Bundle, target: Path, tip: str) -> None:
    """The chain as a bare git repository (its branch ``evidence`` at the bundle's own commit),
    and every signing key its staff directories list, for git itself."""
    repo = target / "chain.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "evidence", str(repo)], check=True)
    (repo / "refs" / "heads" / "evidence").write_text(f"{tip}\n")
    for oid, (kind, body) in bundle.objects.items():
        path = repo / "objects" / oid[:2] / oid[2:]
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(zlib.compress(f"{kind} {len(body)}\0".encode() + body))
    keys = {f'{m["email"]} namespaces="git" {" ".join(m["signing_key"].split()[:2])}\n'
            for found in bundle.staff.values() for m in found if m.get("signing_key")}  # fmt: skip
    (target / "allowed_signers").write_text("".join(sorted(keys)))


def verify(folder: Path, root: str | None = None, target: Path | None = None) -> int:
    """Check the bundle in ``folder``, print what was proven and what failed; the exit code."""
    bundle = Bundle(folder)
    report = json.loads((folder / "report.json").read_text())
    if report.get("format") != FORMAT:
        bundle.fail(f"report.json is not a {FORMAT} report")
    read_objects(bundle)
    chain = chain_of(bundle)
    if not chain:
        return bundle.fail("the bundle holds no commits")
    wanted = {o for o, c in chain if report["case"] in trailers(c, "Ucbr-Case")}
    founder = check_signers(bundle, chain, wanted | {chain[-1][0]})
    if root is not None and founder != root:
        bundle.fail(f"the register's root key is {founder or 'unknown'}, not {root}")
    check_record(bundle, report, check_rows(bundle, chain, report))
    tip, raw = chain[-1][1], (folder / "manifest.json").read_bytes()
    if trailer(tip, "Ucbr-Manifest") != hashlib.sha256(raw).hexdigest():
        bundle.fail("manifest.json is not the manifest the bundle's own commit signed")
    if trailer(tip, "Ucbr-Action") != "evidence" or trailer(tip, "Ucbr-Case") != report["case"]:
        bundle.fail("the chain does not end with this bundle's own commit")
    listed = json.loads(raw)["files"]
    for item in listed:
        held = folder / item["name"]
        if not held.is_file() or hashlib.sha256(held.read_bytes()).hexdigest() != item["sha256"]:
            bundle.fail(f"{item['name']} is not the file the manifest lists")
    maker = f"signed by {trailer(tip, 'Ucbr-Officer')} on {tip['date']} in the bundle's own commit"
    bundle.proven.append(f"ok   files: {len(listed)} as manifest.json lists them, {maker}")
    if target is not None:
        export(bundle, target, chain[-1][0])
    shown = [] if bundle.failed else [*bundle.proven, *(f"     {r['date']}  {r['commit'][:7]}  "
             f"{r['action']} by {r['officer']}" for r in report["chronology"])]  # fmt: skip
    sys.stdout.writelines(f"{line}\n" for line in shown + bundle.partial)
    verdict = "FAILED" if bundle.failed else "proven in part" if bundle.partial else "verified"
    print(f"{verdict}: {report['case']}, {len(chain)} commits to {chain[-1][0][:7]}")
    return 1 if bundle.failed else 3 if bundle.partial else 0


def main(argv: list[str] | None = None) -> int:
    """The command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("bundle", type=Path, nargs="?", default=Path(__file__).parent)
    parser.add_argument("--root", help="the root key's fingerprint, as the council publishes it")
    parser.add_argument("--export", type=Path, help="write the chain as a git repository here")
    args = parser.parse_args(argv)
    try:
        return verify(args.bundle, args.root, args.export)
    except (OSError, ValueError, KeyError, IndexError, TypeError, StopIteration) as exc:
        print(f"FAIL the bundle cannot be read: {type(exc).__name__}: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
