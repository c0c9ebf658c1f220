"""The register's settings as they were at any commit: the staff directory and the policy."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ucbr.domain.settings import PolicyConfig, policy_hash
from ucbr.domain.staff import StaffDirectory
from ucbr.errors import UcbrError
from ucbr.storage import gitlog
from ucbr.storage.files import validate
from ucbr.storage.gitlog import Commit
from ucbr.storage.store import POLICY_FILE, STAFF_FILE
from ucbr.storage.yamlio import load_strict


def parent_of(commit: Commit) -> str | None:
    """The first parent of a commit; None for the first commit."""
    return commit.parents[0] if commit.parents else None


class Snapshots:
    """The staff directory and policy at any commit, read in one batch and parsed once."""

    def __init__(self, root: Path, shas: Iterable[str]) -> None:
        self.root = root
        wanted = list(dict.fromkeys(shas))
        specs = [f"{s}:{p}" for s in wanted for p in (STAFF_FILE, POLICY_FILE)]
        self.blobs = gitlog.read_blobs(root, specs)
        self._staff: dict[bytes, StaffDirectory] = {}
        self._policy: dict[bytes, PolicyConfig | None] = {}
        self.broken: set[str] = set()

    def raw(self, sha: str, path: str) -> bytes | None:
        """A file's bytes at ``sha``; None where it did not exist."""
        spec = f"{sha}:{path}"
        if spec not in self.blobs:
            self.blobs[spec] = gitlog.show(self.root, sha, path)
        return self.blobs[spec]

    def staff(self, sha: str | None) -> StaffDirectory:
        """The staff directory at ``sha`` (empty before the first, or when unreadable)."""
        raw = self.raw(sha, STAFF_FILE) if sha else None
        if raw is None:
            return StaffDirectory()
        if raw not in self._staff:
            try:
                data = load_strict(raw, STAFF_FILE)
                self._staff[raw] = validate(StaffDirectory, data or {"staff": []}, STAFF_FILE)
            except UcbrError:
                self.broken.add(sha or "")
                self._staff[raw] = StaffDirectory()
        return self._staff[raw]

    def policy(self, sha: str | None) -> PolicyConfig | None:
        """The policy settings at ``sha``; None where missing or unreadable."""
        raw = self.raw(sha, POLICY_FILE) if sha else None
        if raw is None:
            return None
        if raw not in self._policy:  # read once for every commit that holds the same file
            try:
                cfg = validate(PolicyConfig, load_strict(raw, POLICY_FILE), POLICY_FILE)
            except UcbrError:
                cfg = None
            self._policy[raw] = cfg
        return self._policy[raw]

    def signing_required(self, sha: str | None) -> bool:
        """Whether the policy at ``sha`` requires signed commits (the commit after it must be)."""
        cfg = self.policy(sha)
        return cfg is not None and cfg.require_signed_commits

    def exists(self, sha: str | None, path: str) -> bool:
        """Whether ``path`` existed at ``sha``."""
        return sha is not None and self.raw(sha, path) is not None

    def policy_hash(self, sha: str | None) -> str | None:
        """The hash of ``.ucbr/policy.yaml`` at ``sha``."""
        raw = self.raw(sha, POLICY_FILE) if sha else None
        return policy_hash(raw) if raw is not None else None

    def signing_keys(self) -> set[tuple[str, str]]:
        """Every (e-mail, signing key) pair any directory read so far has listed."""
        return {
            (m.email, m.signing_key)
            for directory in self._staff.values()
            for m in directory.staff
            if m.signing_key
        }
