"""The register's chain of commits, as git's own objects, for a verifier without ucbr.

Every commit from the register's first to the bundle's own, each naming its parent by
hash, so dropping or changing any one of them breaks the chain. With each commit go the
two trees that lead to ``.ucbr/staff.yaml`` and ``.ucbr/policy.yaml`` (the top folder and
``.ucbr``), and every version of those two files: the staff keys in force at each commit
and the policy each decision ran under, bound to the commits by hash. No case or property
file is included, nor the ``cases`` and ``properties`` trees that list them: commits and
these trees hold ids, dates, hashes and the officers' own names, never a customer's.
"""

from __future__ import annotations

from pathlib import Path

from ucbr.storage import git

UCBR_FILES = ("staff.yaml", "policy.yaml")
Object = tuple[str, str, bytes]  # id, type, content


def _batch(root: Path, ids: list[str]) -> list[Object]:
    """Objects by id, as ``git cat-file --batch`` gives them."""
    if not ids:
        return []
    data = git.run(root, "cat-file", "--batch", input=("\n".join(ids) + "\n").encode()).stdout
    found: list[Object] = []
    pos = 0
    for _ in ids:
        end = data.index(b"\n", pos)
        oid, kind, size = data[pos:end].decode().split(" ")
        found.append((oid, kind, data[end + 1 : end + 1 + int(size)]))
        pos = end + 2 + int(size)
    return found


def tree_entries(body: bytes, id_bytes: int) -> dict[str, str]:
    """A tree object's entries: name -> object id."""
    found: dict[str, str] = {}
    while body:
        head, body = body.split(b"\0", 1)
        found[head.split(b" ", 1)[1].decode(errors="replace")] = body[:id_bytes].hex()
        body = body[id_bytes:]
    return found


def chain_objects(root: Path, tip: str) -> bytes:
    """Every commit to ``tip`` (oldest first), its top and ``.ucbr`` trees, and every version
    of the staff directory and the policy, in ``git cat-file --batch`` form."""
    shas = git.out(root, "rev-list", "--reverse", tip).split()
    commits = _batch(root, shas)
    tops = list(
        dict.fromkeys(body.split(b"\n", 1)[0].split()[1].decode() for _, _, body in commits)
    )
    size = len(tip) // 2
    top_trees = _batch(root, tops)
    settings = [e[".ucbr"] for _, _, b in top_trees if ".ucbr" in (e := tree_entries(b, size))]
    ucbr_trees = _batch(root, list(dict.fromkeys(settings)))
    blobs = [
        entries[name]
        for _, _, body in ucbr_trees
        for entries in [tree_entries(body, size)]
        for name in UCBR_FILES
        if name in entries
    ]
    objects = commits + top_trees + ucbr_trees + _batch(root, list(dict.fromkeys(blobs)))
    return b"".join(f"{o} {k} {len(b)}\n".encode() + b + b"\n" for o, k, b in objects)
