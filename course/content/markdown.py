"""Markdown to HTML for lessons, quizzes and scenarios.

CommonMark with raw HTML shown as text, plus tables, footnotes, heading
anchors (ids prefixed ``h-``), callouts (``::: note|tip|warning|example``) and
links to other items (``lesson:<slug>``, ``quiz:<slug>``, ``scenario:<slug>``).
Only links with a known-safe scheme become links; everything else stays text.

Item links stay in the form the author wrote: where an item lives depends on
the app's routes and where it is mounted, which ``course.site.addresses``
knows; it makes them addresses when a page shows the HTML.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.anchors.index import slugify
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

from course.content.model import ITEM_KINDS, Heading

CALLOUT_TITLES = {"note": "Note", "tip": "Tip", "warning": "Warning", "example": "Example"}
HEADING_ID_PREFIX = "h-"
CONTENTS_LEVELS = ("h2", "h3")

ITEM_LINK_RE = re.compile(r"^(lesson|quiz|scenario):(.*)$", re.IGNORECASE)
SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel", *ITEM_KINDS})
SAFE_DATA_IMAGE_RE = re.compile(r"^data:image/(gif|png|jpeg|webp);", re.IGNORECASE)


@dataclass(frozen=True)
class ItemLink:
    """A link to another item, found in the source at ``line`` (0-based)."""

    kind: str
    slug: str
    href: str  # as the author wrote it, e.g. ``lesson:roles#h-duties``
    line: int


@dataclass(frozen=True)
class RenderedMarkdown:
    """HTML and what the checker needs to know about the source."""

    html: str
    headings: tuple[Heading, ...]
    links: tuple[ItemLink, ...]
    images_without_alt: tuple[int, ...]  # 0-based source lines


# One line of words and ordinary punctuation, not starting like a list item:
# Markdown would make it one plain paragraph, so it is built directly. Most
# option feedback and many prompts are like this, and it halves loading time.
PLAIN_LINE_RE = re.compile(
    r"^(?!\d+[.)](?:\s|$))[A-Za-z0-9]"
    r"[A-Za-z0-9 ,.;:'\"?!()/%$\u2018\u2019\u201c\u201d\u2013\u2014-]*$"
)


def render_markdown(text: str) -> RenderedMarkdown:
    """Render ``text`` to safe HTML and collect its headings, item links and alt-less images."""
    stripped = text.strip()
    # Only blank lines may surround it: a line indented four spaces is code.
    if stripped == text.strip("\n") and PLAIN_LINE_RE.match(stripped) and "  " not in stripped:
        return RenderedMarkdown(f"<p>{escapeHtml(stripped)}</p>\n", (), (), ())
    parser = _parser()
    env: dict[str, Any] = {}
    tokens = parser.parse(text, env)
    html = parser.renderer.render(tokens, parser.options, env)
    return RenderedMarkdown(
        html=html,
        headings=tuple(env.get("headings", ())),
        links=tuple(env.get("item_links", ())),
        images_without_alt=tuple(env.get("images_without_alt", ())),
    )


def is_safe_url(url: str) -> bool:
    """Say whether a link or image address may appear in the output."""
    url = url.strip()
    match = SCHEME_RE.match(url)
    if match is None:
        return True  # a relative address: no scheme to run
    scheme = match.group(1).lower()
    return scheme in SAFE_SCHEMES or bool(SAFE_DATA_IMAGE_RE.match(url))


@cache
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    # With html off these rules only ever decline; dropping them makes raw HTML
    # impossible by construction and saves trying them at every line.
    parser.disable(["html_block", "html_inline"])
    # An allowlist of schemes, stricter than markdown-it's list of bad ones.
    parser.validateLink = is_safe_url  # type: ignore[method-assign]
    parser.use(footnote_plugin)
    parser.use(
        anchors_plugin,
        min_level=1,
        max_level=6,
        slug_func=lambda title: HEADING_ID_PREFIX + slugify(title),
    )
    # One container rule for every callout name, not one rule per name: block
    # rules are tried at the start of every line, so each extra rule costs.
    parser.use(container_plugin, name="callout", validate=_is_callout, render=_render_callout)
    parser.core.ruler.push("course_links", _collect_and_rewrite)
    return parser


def _is_callout(params: str, *_args: Any) -> bool:
    return _callout_name(params) in CALLOUT_TITLES


def _callout_name(params: str) -> str:
    return params.strip().split(" ", 1)[0]


def _render_callout(_renderer, tokens: Sequence[Token], idx: int, _options, _env) -> str:
    token = tokens[idx]
    if token.nesting != 1:
        return "</aside>\n"
    name = _callout_name(token.info)
    custom_title = token.info.strip()[len(name) :].strip()
    title = escapeHtml(custom_title or CALLOUT_TITLES[name])
    return (
        f'<aside class="callout callout-{name}" role="note" aria-label="{title}">\n'
        f'<p class="callout-title">{title}</p>\n'
    )


def _collect_and_rewrite(state: StateCore) -> None:
    """Note item links, headings and alt-less images, and mark external links."""
    headings = state.env.setdefault("headings", [])
    links = state.env.setdefault("item_links", [])
    images_without_alt = state.env.setdefault("images_without_alt", [])
    tokens = state.tokens
    for position, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag in CONTENTS_LEVELS:
            inline = tokens[position + 1]
            text = "".join(
                child.content
                for child in inline.children or ()
                if child.type in ("text", "code_inline")
            )
            level = int(token.tag[1])
            headings.append(Heading(level, str(token.attrGet("id") or ""), text))
        if token.type != "inline" or not token.children:
            continue
        line = token.map[0] if token.map else 0
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "link_open":
                _rewrite_link(child, line, links)
            elif child.type == "image" and not child.content.strip():
                images_without_alt.append(line)


def _rewrite_link(token: Token, line: int, links: list[ItemLink]) -> None:
    href = str(token.attrGet("href") or "")
    item_link = ITEM_LINK_RE.match(href)
    if item_link:
        kind = item_link.group(1).lower()
        slug, _, fragment = item_link.group(2).partition("#")
        links.append(ItemLink(kind, slug, href, line))
        # One spelling, whatever case the author used, for addresses to resolve.
        token.attrSet("href", f"{kind}:{slug}" + (f"#{fragment}" if fragment else ""))
    elif SCHEME_RE.match(href) or href.startswith("//"):
        token.attrSet("rel", "noopener noreferrer")
