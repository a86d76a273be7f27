"""Paths as messages name them, computed for many files at once."""

import os
from pathlib import Path

import pytest

from kyodo.model.assemble import case_rel
from kyodo.paths import display_path, display_paths

FILES = [Path("content/cases/a.md"), Path("content/cases/sub/b.md"), Path("x.md"), Path("../shared/c.md"),
         Path("content/../content/cases/d.md"), Path("/"), Path("/e.md")]


@pytest.mark.parametrize("where", ["project", "content", "outside"])
def test_display_paths_equal_display_path_one_by_one(tmp_path, monkeypatch, where):
    project = tmp_path / "project"
    (project / "content" / "cases").mkdir(parents=True)
    monkeypatch.chdir({"project": project, "content": project / "content", "outside": tmp_path}[where])
    files = FILES + [project / "content" / "cases" / "f.md", project / "content" / "cases" / "sub" / "g.md",
                     tmp_path / "h.md"]
    assert display_paths(files) == [display_path(p) for p in files]


def test_case_rel_is_the_path_below_the_content_folder(tmp_path):
    root = tmp_path / "content"
    assert case_rel(root, root / "cases" / "a.md") == "cases/a.md"
    assert case_rel(root, root / "cases" / "sub" / "b.md") == "cases/sub/b.md"
    assert case_rel(root, tmp_path / "other" / "c.md") == os.fspath(tmp_path / "other" / "c.md")
    assert case_rel(root, Path(f"{root}/../content/cases/d.md")) == "../content/cases/d.md"
