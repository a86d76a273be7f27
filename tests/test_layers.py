"""The pipeline's layers hold: an import-linter contract (pyproject.toml) run by
the test suite, so an upward import or a cycle between stages fails CI."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import kyodo
from kyodo.views import sources

ROOT = Path(__file__).resolve().parent.parent
STAGES = ["kyodo.load", "kyodo.validate", "kyodo.model", "kyodo.views", "kyodo.render", "kyodo.write", "kyodo.post"]


def _contracts() -> list[dict]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    code = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"}, timeout=120)


def test_import_contracts_are_kept():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_layers_are_the_pipeline_in_order():
    layers = next(c for c in _contracts() if c["type"] == "layers")["layers"]
    top_down = [layer for layer in layers if layer in STAGES]
    assert top_down == STAGES[::-1], "pyproject.toml lists the stages out of pipeline order"
    assert layers.index("kyodo.commands") < layers.index("kyodo.post")   # commands on top


def test_every_package_is_under_a_contract():
    """A new package cannot dodge the contracts by not being listed."""
    listed = set()
    for c in _contracts():
        listed.update(c.get("layers", []), c.get("source_modules", []))
    names = {f"kyodo.{m.name}" for m in pkgutil.iter_modules(kyodo.__path__)} - {"kyodo.__main__"}
    assert names <= listed, f"not under any import contract: {sorted(names - listed)}"


def test_an_upward_import_breaks_the_contract(tmp_path):
    """The check itself can fail: a copy of the package with one upward import is refused."""
    import shutil
    shutil.copytree(ROOT / "kyodo", tmp_path / "kyodo", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "kyodo" / "load" / "upward.py").write_text("from kyodo.render import env  # noqa\n", encoding="utf-8")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout or "broken" in result.stdout


def test_page_families_are_registered_sources():
    """Every module in kyodo/views/sources/ is in the registry, except the ones
    planned elsewhere on purpose (the booklet's print page; the sitemap, last)."""
    modules = {m.name for m in pkgutil.iter_modules(sources.__path__)}
    registered = {s.__name__.rsplit(".", 1)[-1] for s in sources.SOURCES}
    assert modules - registered == {"booklet", "sitemap"}
    for s in sources.SOURCES:
        assert callable(s.pages)


def test_menus_link_only_planned_pages(tmp_path):
    """A site without guideline chapters or organisations has no menu link to them."""
    from kyodo.commands.build import build
    from tests.factory import case_text, make_content

    content = make_content(tmp_path / "content", {"a.md": case_text()})
    assert not any((content / "guideline").glob("*.md")) and not (content / "organizations").exists()
    out = tmp_path / "site"
    build(content, out, with_search=False)
    assert not (out / "guideline").exists()
    for page in [out / "index.html", out / "cases" / "a" / "index.html", out / "stats" / "index.html"]:
        text = page.read_text(encoding="utf-8")
        assert "guideline/" not in text and "organizations/" not in text, page
        assert 'href="' in text and "cases/" in text and "stats/" in text
    # With a chapter, the link appears in the header menu and the footer.
    (content / "guideline" / "kihon.md").write_text("---\ntitle: 基本方針\norder: 1\n---\n\n## 目的\n\n本文。\n",
                                                 encoding="utf-8")
    build(content, out, with_search=False)
    home = (out / "index.html").read_text(encoding="utf-8")
    assert home.count('href="guideline/"') == 2
