"""Reading history from git: many files at once as git gives each alone, paths exactly as
stored, and sizes known before any file is read."""

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


def test_paths_are_read_exactly_as_stored(tmp_path: Path) -> None:
    """A name git would quote (a tab, a double quote, an escape, a newline, bytes that are not
    UTF-8) is read as stored, never in git's quoted form, which is not the path."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    names = ["cases/a\tb.yaml", 'cases/"q".yaml', "cases/e\x1bx.yaml", "cases/n\nl.yaml"]
    for name in names:
        (root / name).parent.mkdir(exist_ok=True)
        (root / name).write_text("x\n")
    (root / os.fsdecode(b"cases/\xff.yaml")).write_text("x\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "odd names")
    (commit,) = gitlog.log(root)
    assert sorted(commit.files) == sorted([*names, "cases/\udcff.yaml"])


def test_a_file_over_the_bound_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """A blob larger than a register file may be is known by its size from git's object
    header alone, and refused (exit 6) by any reader, naming it."""
    from ucbr.errors import IntegrityError

    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    (root / "big.yaml").write_bytes(b"a" * (gitlog.MAX_FILE_BYTES + 1))
    (root / "small.yaml").write_bytes(b"a" * gitlog.MAX_FILE_BYTES)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "sizes")
    sizes = gitlog.object_sizes(root, ["HEAD:big.yaml", "HEAD:small.yaml", "HEAD:none"])
    assert [s[1] if s else None for s in sizes.values()] == [
        gitlog.MAX_FILE_BYTES + 1, gitlog.MAX_FILE_BYTES, None,
    ]  # fmt: skip
    assert gitlog.read_blobs(root, ["HEAD:small.yaml"])["HEAD:small.yaml"] == b"a" * (
        gitlog.MAX_FILE_BYTES
    )
    with pytest.raises(
        IntegrityError,
        match=rf"^big.yaml at HEAD is larger than a register file may be \(4 MiB\) "
        rf"\({gitlog.MAX_FILE_BYTES + 1} bytes\)",
    ):
        gitlog.read_blobs(root, ["HEAD:small.yaml", "HEAD:big.yaml"])
