"""Markdown rendering: safe output, item links, anchors, callouts, tables and footnotes."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from course.content import load_catalog
from course.content.markdown import is_safe_url, render_markdown


def html_of(text: str) -> str:
    return render_markdown(text).html


class AttributeNames(HTMLParser):
    """Collect the names of every attribute of every tag, as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.names.update(name for name, _value in attrs)


def attribute_names(html: str) -> set[str]:
    parser = AttributeNames()
    parser.feed(html)
    parser.close()
    return parser.names


def test_script_tags_are_shown_as_text():
    html = html_of("Hello <script>alert(1)</script>\n\n<script>\nalert(2)\n</script>\n")
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "text",
    [
        '<img src="x" onerror="alert(1)">',
        "<div onmouseover='alert(1)'>hover</div>",
        '![alt](x.png" onerror="alert(1))',
        '[link](https://example.com "title" onclick="alert(1)")',
        '![alt](x.png "a\\" onerror=\\"alert(1)")',
    ],
)
def test_event_handler_attributes_never_become_attributes(text):
    names = attribute_names(html_of(text))
    assert not {name for name in names if name.startswith("on")}


@pytest.mark.parametrize(
    "text",
    [
        "[click](javascript:alert(1))",
        "[click](JavaScript:alert(1))",
        "[click](javascript&colon;alert(1))",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "<javascript:alert(1)>",
        "[click][ref]\n\n[ref]: javascript:alert(1)",
        "![pic](javascript:alert(1))",
    ],
)
def test_dangerous_links_are_not_made_into_links(text):
    html = html_of(text)
    assert "href=" not in html
    assert "src=" not in html


def test_safe_schemes_and_relative_addresses_are_allowed():
    assert is_safe_url("https://example.com/a")
    assert is_safe_url("mailto:someone@example.com")
    assert is_safe_url("/lessons/welcome")
    assert is_safe_url("#h-intro")
    assert is_safe_url("images/diagram.png")
    assert is_safe_url("data:image/png;base64,iVBORw0KGgo=")
    assert not is_safe_url("file:///etc/passwd")
    assert not is_safe_url("data:text/html,<script>")


def test_item_links_are_kept_for_the_app_to_resolve_and_collected():
    # Where an item lives is the app's to say (tests/site/test_addresses.py).
    rendered = render_markdown(
        "See [a](lesson:welcome) and [b](Quiz:fixture-quiz).\n"
        "Then [c](scenario:fixture-scenario) and [d](lesson:roles#h-the-intern).\n"
    )
    assert '<a href="lesson:welcome">a</a>' in rendered.html
    assert '<a href="quiz:fixture-quiz">b</a>' in rendered.html
    assert '<a href="scenario:fixture-scenario">c</a>' in rendered.html
    assert '<a href="lesson:roles#h-the-intern">d</a>' in rendered.html
    assert [(link.kind, link.slug, link.line) for link in rendered.links] == [
        ("lesson", "welcome", 0),
        ("quiz", "fixture-quiz", 0),
        ("scenario", "fixture-scenario", 1),
        ("lesson", "roles", 1),
    ]


def test_external_links_get_rel_noopener():
    html = html_of("[site](https://example.com) and [local](/lessons/welcome)")
    assert '<a href="https://example.com" rel="noopener noreferrer">site</a>' in html
    assert '<a href="/lessons/welcome">local</a>' in html


def test_heading_ids_are_prefixed_and_unique():
    rendered = render_markdown("# Top\n\n## Why it *matters*\n\n### Details\n\n## Why it matters\n")
    assert '<h1 id="h-top">Top</h1>' in rendered.html
    assert '<h2 id="h-why-it-matters">' in rendered.html
    assert '<h2 id="h-why-it-matters-1">' in rendered.html
    assert [(h.level, h.anchor_id, h.text) for h in rendered.headings] == [
        (2, "h-why-it-matters", "Why it matters"),
        (3, "h-details", "Details"),
        (2, "h-why-it-matters-1", "Why it matters"),
    ]


@pytest.mark.parametrize(
    ("name", "title"),
    [("note", "Note"), ("tip", "Tip"), ("warning", "Warning"), ("example", "Example")],
)
def test_callouts_have_a_role_and_a_visible_title(name, title):
    html = html_of(f"::: {name}\nSome *text*.\n:::\n")
    assert html == (
        f'<aside class="callout callout-{name}" role="note" aria-label="{title}">\n'
        f'<p class="callout-title">{title}</p>\n'
        "<p>Some <em>text</em>.</p>\n"
        "</aside>\n"
    )


def test_callout_custom_title_is_escaped():
    html = html_of("::: tip Try <b>it</b>\nGo.\n:::\n")
    assert 'aria-label="Try &lt;b&gt;it&lt;/b&gt;"' in html
    assert '<p class="callout-title">Try &lt;b&gt;it&lt;/b&gt;</p>' in html


def test_callouts_of_different_kinds_nest():
    html = html_of(":::: warning Careful\n::: tip\nInside.\n:::\nAfter.\n::::\n")
    assert html == (
        '<aside class="callout callout-warning" role="note" aria-label="Careful">\n'
        '<p class="callout-title">Careful</p>\n'
        '<aside class="callout callout-tip" role="note" aria-label="Tip">\n'
        '<p class="callout-title">Tip</p>\n'
        "<p>Inside.</p>\n"
        "</aside>\n"
        "<p>After.</p>\n"
        "</aside>\n"
    )


def test_unknown_container_names_stay_text():
    assert html_of("::: danger\nx\n:::\n") == "<p>::: danger\nx\n:::</p>\n"


def test_tables():
    html = html_of("| Role | Owns |\n| --- | --- |\n| Intern | A project |\n")
    assert "<table>" in html
    assert "<th>Role</th>" in html
    assert "<td>A project</td>" in html


def test_footnotes():
    html = html_of("Claim.[^1]\n\n[^1]: The source.\n")
    assert '<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup>' in html
    assert '<li id="fn1" class="footnote-item"><p>The source.' in html


def test_images_without_alt_are_reported_by_line():
    rendered = render_markdown("![Diagram](a.png)\n\ntext\n![](b.png) ![ ](c.png)\n")
    assert rendered.images_without_alt == (3, 3)


def test_links_in_lists_and_tables_have_their_lines():
    rendered = render_markdown("- one\n- [two](lesson:two)\n\n| a |\n| - |\n| [x](quiz:x) |\n")
    assert [(link.slug, link.line) for link in rendered.links] == [("two", 1), ("x", 5)]


def test_fixture_lesson_renders_every_feature(fixture_course):
    lesson = load_catalog(fixture_course).lessons["welcome"]
    assert "<table>" in lesson.html
    assert 'class="callout callout-tip"' in lesson.html
    assert 'href="lesson:roles"' in lesson.html
    assert 'class="footnotes"' in lesson.html
    assert [heading.anchor_id for heading in lesson.headings] == [
        "h-what-you-will-learn",
        "h-how-the-course-works",
    ]
