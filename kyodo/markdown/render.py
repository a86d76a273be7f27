"""Render untrusted markdown safely with markdown-it-py.

* raw HTML is never parsed as HTML (it is shown as text);
* links keep only http(s), mailto, tel and relative targets;
* images must be files under ``content/images/`` (no request leaves the site);
  an external image becomes a plain link;
* ``[[facet:term]]`` links a term to its index page with its case count;
* a soft line break between two Japanese characters adds no space;
* h2/h3 get ids and are collected as a table of contents;
* a table gets a caption from a paragraph ``表: 題`` (or ``Table: 題``) written
  just before or after it, else an accessible name from the nearest heading
  (or the document's title); it sits in a box that scrolls sideways when wide.
"""

from __future__ import annotations

import bisect
import logging
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from markupsafe import Markup
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.paragraph import paragraph
from markdown_it.rules_core import StateCore
from mdit_py_plugins.anchors.index import slugify
from mdit_py_plugins.footnote import footnote_plugin

from kyodo.load.images import image_size, resolve_image
from kyodo.markdown.plain import CAPTION as TABLE_CAPTION, render as plain_render


class _NoDebug:
    """A logger whose ``debug`` does nothing; everything else goes to ``logger``."""

    __slots__ = ("logger",)

    def __init__(self, logger: logging.Logger):
        self.logger = logger

    def debug(self, *args, **kwargs) -> None:
        return None

    def __getattr__(self, name: str):
        return getattr(self.logger, name)


def _quiet_block_rules() -> None:
    """markdown-it-py's block rules call ``LOGGER.debug`` each time they are
    tried (about 150 calls per case text): with logging off, the calls alone
    are a tenth of the parse. Their loggers are swapped for one whose ``debug``
    does nothing, unless DEBUG logging is on for markdown_it. The output is
    the same (tests/test_markdown.py)."""
    if logging.getLogger("markdown_it").isEnabledFor(logging.DEBUG):
        return
    for name, module in list(sys.modules.items()):
        logger = getattr(module, "LOGGER", None) if name.startswith("markdown_it.") else None
        if isinstance(logger, logging.Logger):
            module.LOGGER = _NoDebug(logger)


_quiet_block_rules()

SAFE_SCHEME = re.compile(r"(https?:|mailto:|tel:)", re.I)
ANY_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.I)
TERM_REF = re.compile(r"\[\[([a-z][a-z0-9_]*):([^\]\n]{1,80})\]\]")
ASCII_EDGE = re.compile(r"[\x00-\x7f]")
CAPTION_MARKER = re.compile(r"\A\s*(?:表|Table)\s*[:：]\s*")


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str
    line: int = 0      # 0-based line within the markdown source


@dataclass(frozen=True)
class TermRef:
    facet: str
    value: str
    line: int          # 0-based line within the markdown source


@dataclass
class Rendered:
    html: str
    toc: list[Heading] = field(default_factory=list)
    images: list[str] = field(default_factory=list)      # paths under images/
    refs: list[TermRef] = field(default_factory=list)    # resolved term references
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (0-based line, message[, field])

    def toc_tree(self) -> list[tuple[Heading, list[Heading]]]:
        """``##`` headings with their ``###`` headings (a ``###`` before any ``##`` stands alone)."""
        tree: list[tuple[Heading, list[Heading]]] = []
        for h in self.toc:
            if h.level == 3 and tree and tree[-1][0].level == 2:
                tree[-1][1].append(h)
            else:
                tree.append((h, []))
        return tree


def is_safe_link(url: str) -> bool:
    u = re.sub(r"[\x00-\x20]", "", url)
    if SAFE_SCHEME.match(u):
        return True
    return not ANY_SCHEME.match(u) and not u.startswith("//")


def _lines_before(state: StateInline) -> int:
    """Line breaks in the inline source before ``state.pos`` (binary search:
    counting from the start for each reference would be quadratic)."""
    cached = state.env.get("_kyodo_breaks")
    if cached is None or cached[0] is not state.src:
        cached = (state.src, [i for i, ch in enumerate(state.src) if ch == "\n"])
        state.env["_kyodo_breaks"] = cached
    return bisect.bisect_left(cached[1], state.pos)


def _term_ref_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[[", state.pos):
        return False
    m = TERM_REF.match(state.src, state.pos)
    if not m:
        return False
    if not silent:
        token = state.push("term_ref", "", 0)
        token.meta = {"facet": m.group(1), "value": m.group(2).strip(), "lines": _lines_before(state)}
    state.pos = m.end()
    return True


class HeadingIds:
    """ids for the h2/h3 headings of one document, in order (``## 背景`` ->
    ``背景``, repeats -> ``背景-1``, ``背景-2``).

    The same ids as mdit-py-plugins' anchors plugin, in linear time: its
    suffix search starts from 1 for every repeat, which is quadratic for a
    body of thousands of identical headings.
    """

    def __init__(self):
        self.used: set[str] = set()
        self.next_suffix: dict[str, int] = {}

    def __call__(self, text: str) -> str:
        base = slugify(text)
        slug = base
        if slug in self.used:
            i = self.next_suffix.get(base, 1)
            while f"{base}-{i}" in self.used:
                i += 1
            self.next_suffix[base] = i + 1
            slug = f"{base}-{i}"
        self.used.add(slug)
        return slug


def _heading_ids(state: StateCore) -> None:
    """The core rule that gives h2/h3 their ids (:class:`HeadingIds`)."""
    ids = HeadingIds()
    tokens = state.tokens
    for idx, token in enumerate(tokens):
        if token.type != "heading_open" or token.tag not in ("h2", "h3"):
            continue
        children = tokens[idx + 1].children or []
        token.attrSet("id", ids("".join(c.content for c in children if c.type in ("text", "code_inline"))))


def _plain_text_is_one_token(md: MarkdownIt) -> bool:
    """True when text without any of the inline rules' start characters parses
    to one text token: the first inline rule is markdown-it's ``text`` rule,
    which takes everything up to the next such character."""
    rules = md.inline.ruler.getRules("")
    first = rules[0] if rules else None
    return (getattr(md.inline, "terminator_re", None) is not None and first is not None
            and getattr(first, "__name__", "") == "text" and first.__module__ == "markdown_it.rules_inline.text")


# The block rules tried before ``paragraph``, none of which can take a line that
# starts with a non-ASCII character and is followed by a blank line or the end.
_NOT_FOR_PLAIN_LINES = {"table", "code", "fence", "blockquote", "hr", "list", "footnote_def", "reference",
                        "html_block", "heading", "lheading"}


def _plain_paragraph(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A one-line paragraph that starts with a non-ASCII character (most of a
    Japanese case text) goes straight to markdown-it's ``paragraph`` rule.

    Every rule tried before it needs an ASCII mark at the start of the line
    (``#``, ``-``, ``>``, ``|``…), four spaces of indent, or a second line
    (a table's delimiter row, a setext underline); the shortcut skips those
    attempts only when none can apply. tests/test_markdown.py compares the
    tokens with the full rule chain."""
    if silent:
        return False
    pos = state.bMarks[start] + state.tShift[start]
    if pos >= state.eMarks[start] or state.src[pos] < "\x80" or state.sCount[start] - state.blkIndent >= 4:
        return False
    following = start + 1
    if following < state.lineMax and not state.isEmpty(following):
        return False
    return paragraph(state, start, end, silent)


def _inline_rule(state: StateCore) -> None:
    """markdown-it's core ``inline`` rule, with a shortcut for plain text.

    Most paragraphs, headings and table cells of a Japanese case text hold no
    character that can start inline markup (no ``[``, ``*``, ``&``, ``:``, line
    break, …: markdown-it's own ``terminator_re``). The inline parser would
    then make exactly one text token of the whole content, so it is made
    directly (about a fifth fewer calls per text). Anything else is parsed as
    usual. tests/test_markdown.py compares both, on the sample and on
    generated texts."""
    md, env = state.md, state.env
    plain = md.inline.terminator_re.search
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            content = token.content
            if content and plain(content) is None:
                text = Token("text", "", 0)
                text.content = content
                token.children.append(text)
            else:
                md.inline.parse(content, md, env, token.children)


class Markdown:
    """One configured parser, reused for every document (compiled once)."""

    def __init__(self, images_dir: Path,
                 resolve_term: Callable[[str, str], tuple[str, str, int] | None] | None = None,
                 heading_ids: bool = True, plain: bool = True):
        """``resolve_term(facet, value)`` -> (url path, label, count) or None.

        ``heading_ids=False`` for documents printed many to a page (the
        booklet), where ids would repeat from one document to the next.
        ``plain=False``: every text through markdown-it (kyodo/markdown/plain.py
        writes the same HTML for plain texts, faster; the tests compare both).
        """
        self.images_dir = images_dir
        self.resolve_term = resolve_term
        md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
        md.enable(["table", "strikethrough"])
        md.use(footnote_plugin)
        if heading_ids:
            md.core.ruler.push("anchor", _heading_ids)
        md.inline.ruler.before("link", "term_ref", _term_ref_rule)
        md.validateLink = is_safe_link
        if _plain_text_is_one_token(md):
            md.core.ruler.at("inline", _inline_rule)
        if set(md.block.ruler.get_active_rules()[:-1]) <= _NOT_FOR_PLAIN_LINES and \
                md.block.ruler.get_active_rules()[-1:] == ["paragraph"]:
            md.block.ruler.before(md.block.ruler.get_active_rules()[0], "plain_paragraph", _plain_paragraph)
        self.md = md
        self.heading_ids = heading_ids
        self.plain = plain

    def render(self, text: str, root: str = "", doc_id: str = "", title: str = "") -> Rendered:
        """``doc_id`` prefixes footnote ids when several documents share a page;
        ``title`` names a table that has neither a caption nor a heading above it."""
        found = self.render_plain(text, title)
        return found if found is not None else self.render_full(text, root, doc_id, title)

    def render_full(self, text: str, root: str = "", doc_id: str = "", title: str = "") -> Rendered:
        """:meth:`render` through markdown-it, for a text :meth:`render_plain` declined."""
        env: dict = {"docId": doc_id} if doc_id else {}
        tokens = self.md.parse(text, env)
        env.pop("_kyodo_breaks", None)
        out = Rendered("")
        tokens = _caption_tables(tokens, title)
        self._transform(tokens, root, out)
        # Safe by construction (html disabled, links filtered): mark it for Jinja.
        out.html = Markup(self.md.renderer.render(tokens, self.md.options, env))
        return out

    def render_plain(self, text: str, title: str = "") -> Rendered | None:
        """The rendering of a plain text (kyodo/markdown/plain.py), else None:
        the same as :meth:`render` gives, at a tenth of its cost."""
        if not self.plain:
            return None
        found = plain_render(text, HeadingIds() if self.heading_ids else None, title)
        if found is None:
            return None
        html, toc = found
        return Rendered(Markup(html), [Heading(*h) for h in toc])

    # -- token transforms ---------------------------------------------------
    def _transform(self, tokens: list[Token], root: str, out: Rendered) -> None:
        for i, tok in enumerate(tokens):
            if tok.type == "heading_open" and tok.tag in ("h2", "h3"):
                inline = tokens[i + 1]
                out.toc.append(Heading(int(tok.tag[1]), str(tok.attrGet("id") or ""), inline.content,
                                       tok.map[0] if tok.map else 0))
            if tok.type == "inline" and tok.children:
                line = tok.map[0] if tok.map else 0
                tok.children = self._inline(tok.children, root, line, out)

    def _inline(self, children: list[Token], root: str, line: int, out: Rendered) -> list[Token]:
        result: list[Token] = []
        for j, child in enumerate(children):
            if child.type == "softbreak":
                before = result[-1].content[-1:] if result and result[-1].type == "text" else "a"
                after = children[j + 1].content[:1] if j + 1 < len(children) and children[j + 1].type == "text" else "a"
                if before and after and not ASCII_EDGE.match(before) and not ASCII_EDGE.match(after):
                    continue  # Japanese text: a line break in the source is not a space
            elif child.type == "image":
                result.extend(self._image(child, root, line, out))
                continue
            elif child.type == "term_ref":
                result.extend(self._term(child, root, line, out))
                continue
            elif child.type == "link_open":
                href = child.attrGet("href") or ""
                if ANY_SCHEME.match(href) and not href.lower().startswith(("mailto:", "tel:")):
                    child.attrSet("rel", "external")
            result.append(child)
        return result

    def _image(self, tok: Token, root: str, line: int, out: Rendered) -> list[Token]:
        src = str(tok.attrGet("src") or "")
        alt = "".join(c.content for c in (tok.children or []))
        if ANY_SCHEME.match(src) or src.startswith("//"):
            # Never load a remote image: show it as a link instead.
            if not is_safe_link(src):
                return [_text(alt or src)]
            return _link(src, f"画像: {alt or src}")
        resolved = resolve_image(src, self.images_dir)
        if resolved.startswith("!"):
            out.problems.append((line, resolved[1:], "image"))
            return [_text(alt)]
        if not alt.strip():
            out.problems.append((line, f"画像「{src}」に代替テキストがありません。![画像の説明](ファイル名) の形で書いてください", "image"))
        out.images.append(resolved)
        tok.attrSet("src", f"{root}images/{resolved}")
        size = image_size(self.images_dir, resolved)
        if size:   # the page keeps its layout while the image loads
            tok.attrSet("width", str(size[0]))
            tok.attrSet("height", str(size[1]))
        tok.attrSet("loading", "lazy")
        return [tok]

    def _term(self, tok: Token, root: str, line: int, out: Rendered) -> list[Token]:
        facet, value = tok.meta["facet"], tok.meta["value"]
        line += tok.meta.get("lines", 0)
        found = self.resolve_term(facet, value) if self.resolve_term else None
        if found is None:
            out.problems.append((line, f"[[{facet}:{value}]] の分類または値が taxonomy.yml にありません"))
            return [_text(value)]
        url, label, count = found
        out.refs.append(TermRef(facet, value, line))
        link = _link(f"{root}{url}", f"{label}（{count}件）")
        link[0].attrSet("class", "term-ref")
        return link


def _caption_paragraph(tokens: list[Token], i: int) -> Token | None:
    """The inline token of a top-level ``表: …`` paragraph at ``tokens[i]``, or None."""
    if i < 0 or i + 2 >= len(tokens) or tokens[i].type != "paragraph_open" or tokens[i].level != 0:
        return None
    inline = tokens[i + 1]
    children = inline.children or []
    if (tokens[i + 2].type != "paragraph_close" or not children or children[0].type != "text"
            or not TABLE_CAPTION.match(inline.content.strip()) or not TABLE_CAPTION.match(children[0].content.strip())):
        return None
    return inline


def _strip_marker(inline: Token) -> Token:
    first = inline.children[0]
    first.content = CAPTION_MARKER.sub("", first.content)
    return inline


def _plain(inline: Token) -> str:
    return "".join(c.content for c in (inline.children or []) if c.type in ("text", "code_inline")).strip()


def _caption_tables(tokens: list[Token], title: str) -> list[Token]:
    """Give each table a caption (``表: …`` before or after it) or a name
    (the nearest heading above, else ``title``), inside a scroll box."""
    out: list[Token] = []
    heading = ""
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            heading = tokens[i + 1].content.strip()
        if tok.type != "table_open":
            out.append(tok)
            i += 1
            continue
        end = next(j for j in range(i, len(tokens)) if tokens[j].type == "table_close" and tokens[j].level == tok.level)
        caption = None
        after = False
        if _caption_paragraph(out, len(out) - 3) is not None:
            caption = _strip_marker(out[-2])
            del out[-3:]
        elif _caption_paragraph(tokens, end + 1) is not None:
            caption, after = _strip_marker(tokens[end + 2]), True
        name = _plain(caption) if caption is not None else (heading or title)
        wrap = Token("table_wrap_open", "div", 1)
        wrap.attrSet("class", "table-scroll prose-table")
        wrap.attrSet("role", "group")
        wrap.attrSet("tabindex", "0")
        if name:
            wrap.attrSet("aria-label", name)
        out += [wrap, tok]
        if caption is not None:
            out += [Token("caption_open", "caption", 1), caption, Token("caption_close", "caption", -1)]
        elif name:
            hidden = Token("caption_open", "caption", 1)
            hidden.attrSet("class", "visually-hidden")
            out += [hidden, _inline_text(name), Token("caption_close", "caption", -1)]
        out += tokens[i + 1:end + 1]
        out.append(Token("table_wrap_close", "div", -1))
        i = end + 1 + (3 if after else 0)   # skip a caption paragraph written after the table
    return out


def _inline_text(content: str) -> Token:
    tok = Token("inline", "", 0)
    tok.content = content
    tok.children = [_text(content)]
    return tok


def _text(content: str) -> Token:
    t = Token("text", "", 0)
    t.content = content
    return t


def _link(href: str, label: str) -> list[Token]:
    open_ = Token("link_open", "a", 1)
    open_.attrSet("href", href)
    close = Token("link_close", "a", -1)
    return [open_, _text(label), close]
