"""kyodo/commands/preview.py: serve's page for a saved case body, before the build.

The page made from the last build must be byte for byte the page the next
build writes; anything that could change other pages is left to the build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kyodo.commands import build as build_command
from kyodo.commands.preview import MAX_FILES, quick_pages
from kyodo.model.assemble import Memo
from tests.factory import SAMPLE


@pytest.fixture(scope="module")
def cards(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cards")


@pytest.fixture
def site(tmp_path, monkeypatch, cards):
    monkeypatch.setenv("KYODO_CACHE", str(tmp_path / "cache"))
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "cards").symlink_to(cards, target_is_directory=True)   # drawn once, keyed by their text
    content = tmp_path / "content"
    shutil.copytree(SAMPLE, content)
    for path in sorted((content / "cases").glob("*.md"))[8:]:
        path.unlink()
    # The preview makes the case's own page; ruby pages and share images are the build's (tested elsewhere).
    settings = content / "site.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("furigana: true", "furigana: false")
                        .replace("  cases: true", "  cases: false"), encoding="utf-8")
    memo = Memo()
    result = build_command.build(content, tmp_path / "out", with_search=False, memo=memo)
    return content, tmp_path / "out", memo, result.published


def _case(content):
    return sorted((content / "cases").glob("*.md"))[1]


def test_a_saved_body_gives_the_page_the_build_writes(site):
    content, out, memo, published = site
    path = _case(content)
    path.write_text(path.read_text(encoding="utf-8") + "\n## 追記\n\n見出しと段落を足しました。\n", encoding="utf-8")
    pages = quick_pages(published, [str(path)])
    assert pages is not None and list(pages) == [f"cases/{path.stem}/index.html"]
    assert "見出しと段落を足しました" in pages[f"cases/{path.stem}/index.html"].decode("utf-8")
    build_command.build(content, out, with_search=False, memo=memo)
    assert (out / "cases" / path.stem / "index.html").read_bytes() == pages[f"cases/{path.stem}/index.html"]


def test_an_unchanged_save_makes_nothing(site):
    content, _, _, published = site
    path = _case(content)
    path.write_bytes(path.read_bytes())
    assert quick_pages(published, [str(path)]) is None


@pytest.mark.parametrize("change", ["front matter", "image", "new file", "guideline", "many"])
def test_anything_else_is_left_to_the_build(site, change):
    content, _, _, published = site
    path = _case(content)
    text = path.read_text(encoding="utf-8")
    names = [str(path)]
    if change == "front matter":
        path.write_text(text.replace("title:", "title: 改めた題\nold_title:", 1), encoding="utf-8")
    elif change == "image":
        path.write_text(text + "\n![写真](no-such-image.png)\n", encoding="utf-8")
    elif change == "new file":
        new = path.with_name("brand-new-case.md")
        new.write_text(text + "\n追記。\n", encoding="utf-8")
        names = [str(new)]
    elif change == "guideline":
        chapter = sorted((content / "guideline").glob("*.md"))[0]
        chapter.write_text(chapter.read_text(encoding="utf-8") + "\n追記。\n", encoding="utf-8")
        names = [str(chapter)]
    else:
        path.write_text(text + "\n追記。\n", encoding="utf-8")
        names = [str(path)] * (MAX_FILES + 1)
    assert quick_pages(published, names) is None
