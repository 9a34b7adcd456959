"""``course check`` on whole copies: valid, many problems, and files that cannot be read."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from flask import Flask

from course import content
from course.content import ContentError, check_content
from course.content.cli import check_command
from course.content.loader import MAX_FILE_BYTES
from tests.content.broken_copies import FIXTURE_WARNINGS, QUIZ, SCENARIO, WELCOME


def test_valid_fixture_has_no_errors_and_one_warning(course_copy):
    assert course_copy.problems() == FIXTURE_WARNINGS


def test_every_problem_is_reported_not_only_the_first(course_copy):
    course_copy.edit(QUIZ, "pass_mark: 70", "pass_mark: 170")
    course_copy.edit(QUIZ, "max_attempts: 3", "max_attempts: -1")
    course_copy.edit(SCENARIO, "rating: poor", "rating: awful")
    course_copy.edit(WELCOME, "minutes: 3", "minutes: 0")
    course_copy.write("lessons/extra.md", "no front matter\n")
    problems = course_copy.problems()
    assert [problem.split(": ")[0] for problem in problems] == [
        "lessons/extra.md:1",
        "lessons/extra.md:1",
        "lessons/welcome.md:4",
        "quizzes/fixture-quiz.yaml:5",
        "quizzes/fixture-quiz.yaml:6",
        "quizzes/fixture-scenario.yaml:56",
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "the file must be a mapping of keys (title: ...), not empty"),
        (b"\x00\x01\x02binary", "invalid YAML: special characters are not allowed: U+0000"),
        (b"title: caf\xe9\n", "the file is not valid UTF-8 text: save it as UTF-8"),
        (b"just text\n", "the file must be a mapping of keys (title: ...), not text 'just text'"),
        (b"a: 1\n---\nb: 2\n", "invalid YAML: expected a single document in the stream"),
        (b"!!python/object:os.system {}\n", "invalid YAML: unsupported tag"),
        (b"title: !!python/name:os.system x\n", "invalid YAML: could not determine a constructor"),
        (b"a: &x [*x]\n", "unknown key 'a' in the quiz; allowed keys"),
        (b"[" * 2000 + b"]" * 2000, "invalid YAML: nested too deeply"),
        (b"title: T\ntitle: U\n", "duplicate key 'title' (first at line 1)"),
        (b"title: T\nyes: 1\n", "key 'yes' is read as true, not text: put it in quotes"),
    ],
)
def test_unreadable_files_are_problems_not_tracebacks(course_copy, data, expected):
    (course_copy.root / QUIZ).write_bytes(data)
    problems = course_copy.problems()
    assert any(problem.startswith(f"{QUIZ}:") and expected in problem for problem in problems), (
        problems
    )


def test_a_missing_outline_is_a_problem(tmp_path):
    catalog, problems = check_content(tmp_path / "nowhere")
    assert catalog is None
    assert [str(problem).split(": file not found")[0] for problem in problems] == [
        "lessons/course.yaml:1"
    ]


def test_an_unreadable_file_is_a_problem(course_copy):
    (course_copy.root / "lessons" / "roles.md").unlink()
    (course_copy.root / "lessons" / "roles.md").mkdir()  # lessons/*.md that is not a file
    (course_copy.root / "lessons" / "roles.md" / "x").write_text("x")
    assert (
        "lessons/course.yaml:11: lesson 'roles' does not exist: there is no lessons/roles.md"
        in (course_copy.problems())
    )


def test_editor_files_are_ignored(course_copy):
    course_copy.write("lessons/.#welcome.md", "junk")
    course_copy.write("quizzes/.fixture-quiz.yaml.swp", "junk")
    assert course_copy.problems() == FIXTURE_WARNINGS


def test_front_matter_line_numbers_count_in_the_body(course_copy):
    course_copy.edit(WELCOME, "## How the course works", "## How the course works\n\n![](x.png)")
    line = course_copy.line_of(WELCOME, "![](x.png)")
    assert f"{WELCOME}:{line}: image has no alt text: write it as ![what it shows](url)" in (
        course_copy.problems()
    )


def test_course_check_reports_extra_broken_symlinks_instead_of_all_valid(course_copy):
    (course_copy.root / "lessons" / "ghost.md").symlink_to("gone.md")
    (course_copy.root / "quizzes" / "loop.yaml").symlink_to("loop.yaml")
    result = CliRunner().invoke(check_command, ["--content", str(course_copy.root)])
    assert result.exit_code == 1
    assert "all valid" not in result.output
    lines = result.output.splitlines()
    assert "lessons/ghost.md:1: the file is a symbolic link to gone.md, which does not exist" in (
        lines
    )
    assert (
        "quizzes/loop.yaml:1: the file is a symbolic link in a loop: it never reaches a file"
        in (lines)
    )


def test_a_dangling_symlink_in_the_outline_is_named_as_such(course_copy):
    roles = course_copy.root / "lessons" / "roles.md"
    roles.unlink()
    roles.symlink_to("roles-draft.md")
    result = CliRunner().invoke(check_command, ["--content", str(course_copy.root)])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if ": warning: " not in line]
    assert errors == [
        "lessons/roles.md:1: the file is a symbolic link to roles-draft.md, which does not exist"
    ]


@pytest.mark.parametrize(
    "links", [{QUIZ: QUIZ}, {QUIZ: "quizzes/other.yaml", "quizzes/other.yaml": QUIZ}]
)
def test_a_symlink_loop_is_a_problem_not_all_valid(course_copy, links):
    for link, target in links.items():
        path = course_copy.root / link
        path.unlink(missing_ok=True)
        path.symlink_to(course_copy.root / target)
    problems = course_copy.problems()
    assert f"{QUIZ}:1: the file is a symbolic link in a loop: it never reaches a file" in problems
    errors = [problem for problem in problems if ": warning: " not in problem]
    assert all(problem.split(":")[1] == "1" for problem in errors)


def test_a_symlink_to_a_file_inside_the_content_folder_still_works(course_copy):
    drafts = course_copy.root / "drafts"
    drafts.mkdir()
    (course_copy.root / WELCOME).rename(drafts / "welcome.md")
    (course_copy.root / WELCOME).symlink_to("../drafts/welcome.md")
    assert course_copy.problems() == FIXTURE_WARNINGS


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(course_copy):
    with (course_copy.root / WELCOME).open("a", encoding="utf-8") as lesson:
        lesson.write("A paragraph of a lesson that goes on.\n\n" * (MAX_FILE_BYTES // 20))
    assert course_copy.problems() == [
        f"{WELCOME}:1: the file is larger than 1 MiB, the limit for a content file: split it up",
        *FIXTURE_WARNINGS,
    ]


def test_the_app_refuses_to_start_with_the_same_problems(course_copy):
    roles = course_copy.root / "lessons" / "roles.md"
    roles.unlink()
    roles.symlink_to("roles.md")
    app = Flask("start_up_test")
    app.config.update(CONTENT_DIR=str(course_copy.root))
    with pytest.raises(ContentError) as raised:
        content.init_app(app)
    assert str(raised.value) == (
        "lessons/roles.md:1: the file is a symbolic link in a loop: it never reaches a file"
    )
