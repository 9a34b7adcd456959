"""YAML read with line numbers, under the safe loader's rules."""

from __future__ import annotations

from course.content.yaml_source import YamlList, YamlMap, parse_yaml


def parse(text: str, first_line: int = 1):
    problems: list[tuple[int, str]] = []
    value = parse_yaml(text, lambda line, message: problems.append((line, message)), first_line)
    return value, problems


def test_lines_of_keys_and_items():
    value, problems = parse("title: T\nitems:\n  - a\n  -\n    id: b\n")
    assert problems == []
    assert isinstance(value, YamlMap)
    assert value.line_of("title") == 1
    assert value.line_of("items") == 2
    assert value.line_of("missing") == 1
    items = value["items"]
    assert isinstance(items, YamlList)
    assert items == ["a", {"id": "b"}]
    assert [items.line_of(0), items.line_of(1)] == [3, 5]
    assert items[1].line_of("id") == 5


def test_first_line_offsets_every_line():
    value, _ = parse("title: T\nminutes: 3\n", first_line=2)
    assert value.line_of("minutes") == 3


def test_where_block_text_starts():
    value, _ = parse("a: plain\nb: |\n  line one\n  line two\nc: >\n  folded\n")
    assert value.text_starts["a"] == (1, False)
    assert value.text_starts["b"] == (3, True)
    assert value.text_starts["c"] == (5, False)


def test_scalars_follow_the_safe_loader():
    value, problems = parse("a: true\nb: 'true'\nc: 3\nd: 1.5\ne: ~\nf: 2024-01-02\n")
    assert problems == []
    assert value["a"] is True
    assert value["b"] == "true"
    assert (value["c"], value["d"], value["e"]) == (3, 1.5, None)


def test_merge_keys_and_aliases():
    value, problems = parse("base: &base {x: 1}\nchild:\n  <<: *base\n  y: 2\n")
    assert problems == []
    assert value["child"] == {"x": 1, "y": 2}


def test_duplicate_and_non_text_keys_are_reported():
    value, problems = parse("a: 1\na: 2\n1: x\nno: y\n")
    assert value["a"] == 1
    assert problems == [
        (2, "duplicate key 'a' (first at line 1)"),
        (3, "key '1' is read as int 1, not text: put it in quotes"),
        (4, "key 'no' is read as false, not text: put it in quotes"),
    ]


def test_python_tags_are_refused():
    value, problems = parse("a: !!python/name:os.system x\n")
    assert value == {"a": None}
    assert problems[0][0] == 1
    assert "could not determine a constructor" in problems[0][1]
    value, problems = parse("a: !!python/object/apply:os.system ['true']\n")
    assert problems == [
        (1, "invalid YAML: unsupported tag 'tag:yaml.org,2002:python/object/apply:os.system'")
    ]


def test_syntax_errors_name_their_line():
    value, problems = parse("a: 1\nb: [2\nc: 3\n", first_line=10)
    assert value is None
    assert problems == [
        (
            12,
            "invalid YAML: while parsing a flow sequence from line 11, expected ',' or ']', "
            "but got ':'",
        ),
    ]


def test_an_empty_document_is_none():
    assert parse("") == (None, [])
    assert parse("# only a comment\n") == (None, [])
