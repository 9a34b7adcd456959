"""Plain one-line text skips the Markdown parser; its HTML must be exactly the parser's."""

from hypothesis import example, given, settings
from hypothesis import strategies as st

from course.content.markdown import PLAIN_LINE_RE, _parser, render_markdown

PIECES = st.sampled_from(
    [
        *"abcXYZ019 ,.;:'\"?!()/%$-\u2018\u2019\u201c\u201d\u2013\u2014",
        *("1.", "2)", "  ", "#", "*", "_", "[x]", "<b>", "&"),
    ]
)


@settings(max_examples=2000, deadline=None)
@given(st.lists(PIECES, min_size=1, max_size=12).map("".join))
@example("    Indented four spaces is code")
@example("\tand so is a tab")
@example("\n\nBlank lines around a line do not matter\n")
def test_fast_path_matches_markdown_it(text):
    parser = _parser()
    assert render_markdown(text).html == parser.renderer.render(
        parser.parse(text, {}), parser.options, {}
    )


def test_fast_path_is_taken_for_ordinary_sentences():
    assert PLAIN_LINE_RE.match("The coordinator's job is operational, isn't it?")
    assert not PLAIN_LINE_RE.match("1. A list item")
    assert not PLAIN_LINE_RE.match("**bold**")
