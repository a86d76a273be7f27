"""``build.py serve``: rebuild on save, keep the last good site, report problems.

The server runs as a real subprocess on a free port with a copy of the sample
content. Waits poll for a state with a generous deadline (so a broken server
fails the test instead of hanging it); nothing asserts how fast anything is.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from kyodo.commands.check import validate
from kyodo.errors import ContentError
from tests.factory import ROOT, SAMPLE

DEADLINE = 90   # seconds: only a safety net against hanging
CASE = "dementia-cafe"
OLD_TITLE = "若葉坂オレンジカフェ"


class Server:
    def __init__(self, cwd):
        self.cwd = cwd
        self.lines: list[str] = []
        env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "serve", "--content", "content", "--out", "out",
             "--port", "0", "--no-search"],
            cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, encoding="utf-8")
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        found = self.wait_for(lambda: re.search(r"http://127\.0\.0\.1:(\d+)/", self.output), "the server's URL")
        self.url = found.group(0)

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, predicate, what: str):
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            result = predicate()
            if result:
                return result
            if self.proc.poll() is not None:
                self.reader.join(5)
                pytest.fail(f"serve exited ({self.proc.returncode}) while waiting for {what}:\n{self.output}")
            time.sleep(0.1)
        pytest.fail(f"gave up waiting for {what}:\n{self.output}")

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as r:
                return r.status, r.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8")

    def status(self) -> dict:
        return json.loads(self.get("_kyodo/status")[1])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.reader.join(5)
        self.proc.stdout.close()


def copy_content(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SAMPLE, content)
    for path in sorted((content / "cases").glob("*.md"))[6:]:   # a few cases keep every build quick
        if path.stem != CASE:
            path.unlink()
    settings = content / "site.yml"   # ruby pages: tests/test_furigana*.py; here every build stays quick
    settings.write_text(settings.read_text(encoding="utf-8").replace("furigana: true", "furigana: false"),
                        encoding="utf-8")
    return content


@pytest.fixture
def server(tmp_path, monkeypatch, shared_cache):
    monkeypatch.setenv("KYODO_CACHE", str(shared_cache))   # the copy's first build redoes little
    copy_content(tmp_path)
    srv = Server(tmp_path)
    try:
        yield srv
    finally:
        srv.stop()


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def title_of(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


def test_rebuilds_on_save_and_reloads(server, tmp_path):
    status, html = server.get(f"cases/{CASE}/")
    assert status == 200 and OLD_TITLE in title_of(html)
    generation = server.status()["generation"]
    # The reload script is added to responses only, never to the files the build writes.
    assert f'<script src="/_kyodo/live.js" data-generation="{generation}" defer></script>' in html
    assert "_kyodo" not in (tmp_path / "out" / "cases" / CASE / "index.html").read_text(encoding="utf-8")
    assert "location.reload" in server.get("_kyodo/live.js")[1]

    edit(tmp_path / "content" / "cases" / f"{CASE}.md", f"title: {OLD_TITLE}", "title: 改題したオレンジカフェ")
    server.wait_for(lambda: "改題したオレンジカフェ" in title_of(server.get(f"cases/{CASE}/")[1]), "the new title")
    # The generation moves on once the build has finished (after the swap, the old tree is removed).
    server.wait_for(lambda: server.status()["generation"] > generation, "the next generation")
    status = server.status()
    assert status["ok"] and status["site"]
    assert "変更を見つけました: content/cases/dementia-cafe.md" in server.output

    status, html = server.get("no/such/page/")
    assert status == 404 and "ページが見つかりません" in html and "/_kyodo/live.js" in html


def test_broken_case_keeps_the_last_good_site_and_reports(server, tmp_path, monkeypatch):
    path = tmp_path / "content" / "cases" / f"{CASE}.md"
    generation = server.status()["generation"]
    edit(path, "fiscal_year: 2019", "fiscal_year: 令和元年度")
    edit(path, f"title: {OLD_TITLE}", "title: 壊れた版のカフェ")
    status = server.wait_for(lambda: (s := server.status())["problems"] and s, "the problem to be reported")

    # The same lines as `check` prints (paths relative to the working folder, as for the server).
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ContentError) as caught:
        validate(tmp_path / "content")
    expected = [str(p) for p in caught.value.problems]
    assert status["ok"] is False and status["site"] is True and status["problems"] == expected
    assert expected[0].startswith("content/cases/dementia-cafe.md:") and "fiscal_year:" in expected[0]
    server.wait_for(lambda: "前回のままです" in server.output, "the terminal message")
    for line in expected:
        assert line in server.output

    # The last good site is still served.
    code, html = server.get(f"cases/{CASE}/")
    assert code == 200 and OLD_TITLE in title_of(html) and "壊れた版" not in html
    assert server.get("")[0] == 200

    # Fixed: rebuilt, reloaded, no more notice.
    edit(path, "fiscal_year: 令和元年度", "fiscal_year: 2019")
    server.wait_for(lambda: server.status()["ok"], "the fixed build")
    server.wait_for(lambda: server.status()["generation"] > generation, "the next generation")
    assert "壊れた版のカフェ" in title_of(server.get(f"cases/{CASE}/")[1])


def test_starts_with_a_broken_case_and_recovers(tmp_path, monkeypatch, shared_cache):
    monkeypatch.setenv("KYODO_CACHE", str(shared_cache))
    path = copy_content(tmp_path) / "cases" / f"{CASE}.md"
    edit(path, "fiscal_year: 2019", "fiscal_year: 2019年度")
    srv = Server(tmp_path)
    try:
        assert "サイトは更新していません（まだ一度も作れていません）" in srv.output
        status = srv.status()
        assert status["ok"] is False and status["site"] is False and status["generation"] == 0
        assert "fiscal_year" in status["problems"][0]
        code, html = srv.get("")
        assert code == 503 and "サイトをまだ作れていません" in html and 'data-generation="0"' in html
        edit(path, "fiscal_year: 2019年度", "fiscal_year: 2019")
        srv.wait_for(lambda: srv.status()["ok"], "the first good build")
        code, html = srv.get(f"cases/{CASE}/")
        assert code == 200 and OLD_TITLE in title_of(html)
    finally:
        srv.stop()


@pytest.mark.browser
def test_browser_shows_the_notice_and_reloads(server, tmp_path, page):
    path = tmp_path / "content" / "cases" / f"{CASE}.md"
    page.goto(server.url + f"cases/{CASE}/")
    edit(path, "status: 実施中", "status: 完了")
    notice = page.locator("#kyodo-dev-notice")
    notice.wait_for(timeout=DEADLINE * 1000)
    text = notice.inner_text()
    assert "サイトを更新できませんでした" in text
    assert "content/cases/dementia-cafe.md:" in text and "「完了」は使えません" in text
    assert notice.get_attribute("role") == "alert"
    assert OLD_TITLE in page.title()

    edit(path, "status: 完了", "status: 終了")
    edit(path, f"title: {OLD_TITLE}", "title: 直したカフェ")
    page.wait_for_function("document.title.includes('直したカフェ')", timeout=DEADLINE * 1000)
    assert page.locator("#kyodo-dev-notice").count() == 0


def test_embed_dialog_offers_this_preview_and_production(server, tmp_path, page, axe_source):
    """Under serve the web team can try an embed before launch: both codes are shown;
    the files the build writes keep the production code only."""
    from tests.conftest import describe, run_axe
    status, html = server.get("stats/partner/")
    assert status == 200
    codes = dict(re.findall(r'<textarea id="embed-([^"]+)" class="embed-snippet"[^>]*>(.*?)</textarea>', html, re.S))
    production, preview = codes["facet-partner"], codes["facet-partner-preview"]
    assert "https://kyodo.aobagawa.example.jp/embed/stats/facet-partner/" in production
    assert f"{server.url}embed/stats/facet-partner/" in preview and f"{server.url}assets/embed.js" in preview
    assert "公開サイトには出ません" in html
    built = (tmp_path / "out" / "stats" / "partner" / "index.html").read_text(encoding="utf-8")
    assert "facet-partner-preview" not in built and "embed-preview" not in built
    assert server.get("embed/stats/facet-partner/")[0] == 200   # the preview code's target exists

    page.goto(server.url + "stats/partner/")
    page.locator(".embed-code summary").first.click()
    preview_box = page.locator("#embed-facet-partner-preview")
    assert preview_box.is_visible() and preview_box.input_value().startswith(f'<iframe src="{server.url}embed/')
    assert page.get_by_label("このプレビュー用の埋め込みコード").count() == 1
    violations = run_axe(page, axe_source)
    assert not violations, describe(violations)
    page.screenshot(path=str(tmp_path / "embed-preview.png"), full_page=True)


def test_saved_body_is_shown_at_once_and_equals_the_built_page(server, tmp_path):
    """A body-only save: the page is answered from memory before the build, and the
    build then writes the very same bytes; a front matter change takes the normal path."""
    path = tmp_path / "content" / "cases" / f"{CASE}.md"
    built = tmp_path / "out" / "cases" / CASE / "index.html"
    generation = server.status()["generation"]
    with path.open("a", encoding="utf-8") as f:
        f.write("\n追記した段落です。見出しのない文章も、すぐに表示されます。\n")
    server.wait_for(lambda: "追記した段落です" in server.get(f"cases/{CASE}/")[1], "the new paragraph")
    server.wait_for(lambda: "サイト全体を更新しています" in server.output, "the preview line")
    assert f"/cases/{CASE}/ を表示しました" in server.output
    server.wait_for(lambda: "追記した段落です" in built.read_text(encoding="utf-8")
                    and server.status()["generation"] >= generation + 2, "the build after the preview")
    served = server.get(f"cases/{CASE}/")[1]
    live = re.search(r'<script src="/_kyodo/live\.js"[^>]*></script>\n?', served).group(0)
    assert served.replace(live, "") == built.read_text(encoding="utf-8")

    # A front matter edit changes lists too: no preview, the build shows it.
    count = server.output.count("を表示しました")
    edit(path, f"title: {OLD_TITLE}", "title: 題を変えたカフェ")
    server.wait_for(lambda: "題を変えたカフェ" in built.read_text(encoding="utf-8"), "the rebuilt page")
    assert server.output.count("を表示しました") == count

    # A body with a problem is never previewed: the build reports it.
    with path.open("a", encoding="utf-8") as f:
        f.write("\n![写真](no-such-image.png)\n")
    server.wait_for(lambda: not server.status()["ok"], "the reported problem")
    assert server.output.count("を表示しました") == count
    assert "no-such-image.png" not in built.read_text(encoding="utf-8")
