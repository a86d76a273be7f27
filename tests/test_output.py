"""The staging folder's own writes (kyodo/write/output.py): the bytes exactly as
given, folders made as needed, the same file mode as Python's ``open``."""

from __future__ import annotations

import os

from kyodo.write.output import Staging, write_new


def test_write_new_writes_the_bytes_as_they_are_and_replaces_what_was_there(tmp_path):
    path = tmp_path / "f.html"
    data = "行一\r\n行二\n\x00終わり".encode() * 50_000   # line ends kept, and longer than one write may take
    write_new(str(path), data)
    assert path.read_bytes() == data
    write_new(str(path), b"short")
    assert path.read_bytes() == b"short"                  # emptied first, not overwritten in place
    write_new(str(path), b"")
    assert path.read_bytes() == b""
    with open(tmp_path / "ref.html", "wb") as f:
        f.write(b"x")
    assert os.stat(path).st_mode == os.stat(tmp_path / "ref.html").st_mode   # the umask applies as for open()


def test_write_new_goes_on_after_a_short_write(tmp_path, monkeypatch):
    """The system may write fewer bytes than asked (a signal, a nearly full disk)."""
    real = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real(fd, bytes(data[:1000])))
    data = bytes(range(256)) * 100
    write_new(str(tmp_path / "f"), data)
    assert (tmp_path / "f").read_bytes() == data


def test_staging_makes_each_folder_once_at_any_depth(tmp_path):
    out = tmp_path / "site"
    staging = Staging(out)
    try:
        for rel in ("a/b/c/index.html", "a/b/index.html", "a/x.html", "top.html", "a/b/c/d.html", "cases/k/index.html"):
            staging.write(rel, rel.encode())
        for rel in ("a/b/c/index.html", "a/b/index.html", "a/x.html", "top.html", "a/b/c/d.html", "cases/k/index.html"):
            assert (staging.dir / rel).read_bytes() == rel.encode()
        assert staging._made >= {"a/b/c", "a/b", "a", "", "cases/k"}
    finally:
        staging.abort()
