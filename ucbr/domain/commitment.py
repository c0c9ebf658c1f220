"""The commitment a commit carries to the record it stored, without putting it in history.

Every commit that writes a record carries a ``Ucbr-Record: <file id>:<commitment>`` trailer.
Git history is readable by anyone who holds a clone, and a record is low-entropy (a name, a
date of birth, a postcode, a few dates and codes): a bare SHA-256 of it could be found by
trying every likely record. So the commitment is keyed by a secret that lives only inside
the encrypted record: ``salt``, 32 random bytes, drawn again at every write.

Each field of the record (a leaf: its path, as ``ucbr history`` names it, and its JSON
value) is committed on its own, so one field can be withheld from a disclosure (a third
party's name) while every other field still proves itself::

    leaf key   = HMAC-SHA256(salt, "ucbr-leaf" NUL path)
    leaf hash  = SHA-256(leaf key || canonical JSON of the value)
    commitment = SHA-256("ucbr-record-1" NUL canonical JSON of [[path, leaf hash], ...])

in the record's own field order. A disclosure gives, for each field, either its value and
its leaf key (anyone can recompute its hash) or only its hash (the value withheld). The
salt itself is never disclosed: a leaf key opens one field of one revision, and the next
revision's salt is new, so a disclosure says nothing about any later change.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from ucbr.domain.fields import SALT, flatten

TRAILER = "Ucbr-Record"
SCHEME = "ucbr-record-1"
SALT_BYTES = 32
# One disclosed leaf: [path, value, leaf key] or, withheld, [path, None, leaf hash, why].
Leaf = list[Any]


def new_salt() -> str:
    """A fresh salt: 32 random bytes, as hex."""
    return secrets.token_hex(SALT_BYTES)


def canonical(value: Any) -> bytes:
    """A value as canonical JSON: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def leaves(record: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The record's fields in order, the salt aside (``ucbr.domain.fields.flatten``)."""
    return list(flatten(record).items())


def leaf_key(salt: str, path: str) -> bytes:
    """The key that opens one field of one revision."""
    return hmac.digest(bytes.fromhex(salt), b"ucbr-leaf\0" + path.encode(), "sha256")


def leaf_hash(key: bytes, value: Any) -> str:
    """One field's hash, under its key: a commitment to the value that only the key opens."""
    return hashlib.sha256(key + canonical(value)).hexdigest()


def root(hashes: Sequence[tuple[str, str]]) -> str:
    """The commitment to a revision from its (path, leaf hash) pairs, in order."""
    body = canonical([[path, digest] for path, digest in hashes])
    return hashlib.sha256(SCHEME.encode() + b"\0" + body).hexdigest()


def commitment(record: Mapping[str, Any]) -> str | None:
    """The commitment to a record's data as stored; None for a record with no salt."""
    salt = record.get(SALT)
    if not isinstance(salt, str):
        return None
    keyed = hmac.new(bytes.fromhex(salt), b"ucbr-leaf\0", "sha256")  # leaf_key, done once
    hashes = []
    for path, value in leaves(record):
        key = keyed.copy()
        key.update(path.encode())
        hashes.append((path, leaf_hash(key.digest(), value)))
    return root(hashes)


def trailer_value(file_id: str, record: Mapping[str, Any]) -> str | None:
    """``C-…:<commitment>``, the value of the record's ``Ucbr-Record`` trailer."""
    made = commitment(record)
    return f"{file_id}:{made}" if made is not None else None


def claimed(trailers: Sequence[str], file_id: str) -> list[str]:
    """The commitments a commit's ``Ucbr-Record`` trailers make to one file."""
    return [v.partition(":")[2] for v in trailers if v.partition(":")[0] == file_id]


def disclose(record: Mapping[str, Any], withheld: Mapping[str, str]) -> list[Leaf]:
    """Every field of a salted record, each with its key, or its hash and why (``withheld``,
    path -> reason) where its value is not given."""
    salt = record[SALT]
    found: list[Leaf] = []
    for path, value in leaves(record):
        key = leaf_key(salt, path)
        if path in withheld:
            found.append([path, None, leaf_hash(key, value), withheld[path]])
        else:
            found.append([path, value, key.hex()])
    return found


def disclosed_root(disclosed: Sequence[Leaf]) -> str:
    """The commitment a disclosure proves: the same for every choice of fields withheld."""
    hashes = [
        (leaf[0], leaf[2] if len(leaf) == 4 else leaf_hash(bytes.fromhex(leaf[2]), leaf[1]))
        for leaf in disclosed
    ]
    return root(hashes)


def problems(
    trailers: Sequence[str],
    file_id: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> list[str]:
    """Whether a commit's ``Ucbr-Record`` trailers commit to the record it stored.

    A salted record changed by a commit must be committed to; one left as it was (a key
    rotation seals it again) need not be. A salt, once there, stays: a record written
    without one would escape its commitment.
    """
    made = claimed(trailers, file_id)
    if len(made) > 1:
        return [f"has {len(made)} {TRAILER} trailers for {file_id}; one is needed"]
    if after is None:
        return [f"a {TRAILER} trailer for {file_id}, which it deleted"] if made else []
    expected = commitment(after)
    if expected is None:
        if before is not None and SALT in before:
            return [f"removed the salt of {file_id}, and with it the commitment to the record"]
        return [f"a {TRAILER} trailer for {file_id}, whose record has no salt"] if made else []
    if not made:
        if before is not None and dict(before) == dict(after):
            return []
        return [f"changed {file_id} without the {TRAILER} trailer that commits to it"]
    if not hmac.compare_digest(made[0], expected):
        return [f"the {TRAILER} trailer does not commit to the record of {file_id} it stored"]
    return []
