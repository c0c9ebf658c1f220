"""Reading many files of one commit at once gives what git gives for each alone."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from ucbr.storage import gitlog


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=T", "-c", "user.email=t@example.org", *args],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    return done.stdout.strip()


def test_many_paths_of_one_commit_read_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above the threshold a commit's tree is listed once; the bytes, the missing paths and a
    link read exactly as git's own `REV:path` lookups read them."""
    root = tmp_path / "repo"
    (root / "cases").mkdir(parents=True)
    git(root, "init", "-q")
    for number in range(gitlog.LIST_TREE_FROM + 6):
        (root / "cases" / f"file {number}.yaml").write_text(f"n: {number}\n")
    (root / "cases" / "link.yaml").symlink_to("file 1.yaml")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "many")
    first = git(root, "rev-parse", "HEAD")
    (root / "cases" / "file 2.yaml").write_text("changed\n")
    git(root, "commit", "-qam", "one more")
    head = git(root, "rev-parse", "HEAD")
    paths = [f"cases/file {n}.yaml" for n in range(gitlog.LIST_TREE_FROM + 6)]
    specs = [
        *(f"{rev}:{p}" for rev in (first, head) for p in paths),
        f"{head}:cases/link.yaml",
        f"{head}:cases/no such file.yaml",
        f"{'0' * 40}:cases/file 1.yaml",
    ]
    listed = gitlog.read_blobs(root, specs)
    monkeypatch.setattr(gitlog, "LIST_TREE_FROM", 10**9)  # every path looked up by git
    assert listed == gitlog.read_blobs(root, specs)
    assert listed[f"{head}:cases/file 2.yaml"] == b"changed\n"
    assert listed[f"{first}:cases/file 2.yaml"] == b"n: 2\n"
    assert listed[f"{head}:cases/link.yaml"] == b"file 1.yaml"
    assert listed[f"{head}:cases/no such file.yaml"] is None
