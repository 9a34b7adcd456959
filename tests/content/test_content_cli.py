"""``course check`` on the command line, and the catalog's life inside a Flask app."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.cli import FlaskGroup

from course import content
from course.content import ContentError, get_catalog, reloading
from course.content.cli import check_command, paths_command
from tests.content.broken_copies import FIXTURE_WARNINGS, QUIZ, SCENARIO


@pytest.fixture
def rendered(monkeypatch) -> list[str]:
    """Every text rendered as Markdown from here on, in order."""
    texts: list[str] = []
    original = content.fields.render_markdown

    def counting_render(text):
        texts.append(text)
        return original(text)

    monkeypatch.setattr(content.fields, "render_markdown", counting_render)
    return texts


def make_app(content_dir, **config) -> Flask:
    """Build a bare app with only the content feature."""
    app = Flask("content_test")
    app.config.update(CONTENT_DIR=str(content_dir), **config)
    content.init_app(app)

    @app.get("/title")
    def title():
        return get_catalog().course.title

    return app


def make_group(content_dir, created: list) -> FlaskGroup:
    """Build a ``course``-like command group whose app reads ``content_dir``."""

    def create_app() -> Flask:
        created.append(True)
        return make_app(content_dir)

    group = FlaskGroup(create_app=create_app, add_default_commands=False, load_dotenv=False)
    group.add_command(check_command)
    return group


@pytest.fixture(autouse=True)
def _restore_flask_environment(monkeypatch):
    # FlaskGroup sets this variable for the process; give it back afterwards.
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "false")


def test_valid_course_prints_the_summary(fixture_course):
    result = CliRunner().invoke(check_command, ["--content", str(fixture_course)])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        *FIXTURE_WARNINGS,
        "course check: 3 lessons, 1 quiz, 2 scenarios in 2 modules: valid, with 1 warning",
    ]


def test_a_course_without_warnings_is_all_valid(course_copy):
    course_copy.edit(SCENARIO, "start: kickoff", "start: kickoff\nshuffle: true")
    for args in ([], ["--strict"]):
        result = CliRunner().invoke(check_command, ["--content", str(course_copy.root), *args])
        assert result.exit_code == 0, result.output
        assert result.output == (
            "course check: 3 lessons, 1 quiz, 2 scenarios in 2 modules: all valid\n"
        )


def test_strict_fails_on_warnings_and_prints_them(fixture_course):
    result = CliRunner().invoke(check_command, ["--content", str(fixture_course), "--strict"])
    assert result.exit_code == 1
    assert result.output.splitlines() == FIXTURE_WARNINGS


def test_errors_and_warnings_print_together_sorted(course_copy):
    course_copy.edit(QUIZ, "pass_mark: 70", "pass_mark: 170")
    result = CliRunner().invoke(check_command, ["--content", str(course_copy.root)])
    assert result.exit_code == 1
    assert [line.split(": ")[0] for line in result.output.splitlines()] == [
        "quizzes/fixture-quiz.yaml:5",
        "quizzes/fixture-scenario.yaml:7",
    ]
    assert ": warning: " in result.output.splitlines()[1]


def test_paths_lists_every_path_and_a_summary(fixture_course):
    result = CliRunner().invoke(paths_command, ["fixture-routes", "--content", str(fixture_course)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        "Fixture Routes (quizzes/fixture-routes.yaml): maximum 6 points, pass mark 60%"
    )
    assert lines[1] == (
        "1. measure > share > story -> offer (rated best): 6 points (100%), "
        "flags: measured, shared, passes"
    )
    assert lines[4] == (
        "4. measure > hold > slides -> dented (rated poor): 2 points (33%), "
        "flags: measured, does not pass"
    )
    assert len(lines) == 10
    assert lines[-1] == "4 of 8 paths pass; scores from 0% to 100%"


def test_paths_of_an_unknown_scenario_names_the_known_ones(fixture_course):
    result = CliRunner().invoke(paths_command, ["nowhere", "--content", str(fixture_course)])
    assert result.exit_code == 2
    assert "no scenario 'nowhere' (scenarios: fixture-routes, fixture-scenario)" in result.output


def test_paths_of_broken_content_prints_the_errors(course_copy):
    course_copy.edit(SCENARIO, "rating: best", "rating: great")
    result = CliRunner().invoke(
        paths_command, ["fixture-routes", "--content", str(course_copy.root)]
    )
    assert result.exit_code == 1
    assert "rating 'great' of ending 'success'" in result.output


def test_every_problem_is_printed_sorted_and_exits_1(course_copy):
    course_copy.edit("quizzes/fixture-scenario.yaml", "rating: best", "rating: great")
    course_copy.edit("lessons/welcome.md", "minutes: 3", "minutes: three")
    course_copy.edit("quizzes/fixture-quiz.yaml", "answer: false", "answer: nope")
    course_copy.edit("lessons/welcome.md", "lesson:roles", "lesson:nowhere")
    result = CliRunner().invoke(check_command, ["--content", str(course_copy.root)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "lessons/welcome.md:4: 'minutes' in the front matter must be a whole number above 0, "
        "not text 'three'",
        "lessons/welcome.md:19: link 'lesson:nowhere' points nowhere: there is no lesson 'nowhere'",
        "quizzes/fixture-quiz.yaml:38: 'answer' in question 'is-accountable' must be true or "
        "false, not text 'nope'",
        "quizzes/fixture-scenario.yaml:48: rating 'great' of ending 'success' must be one of: "
        "best, good, mixed, poor",
    ]


def test_check_reads_the_configured_directory(fixture_course):
    result = make_app(fixture_course).test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        *FIXTURE_WARNINGS,
        "course check: 3 lessons, 1 quiz, 2 scenarios in 2 modules: valid, with 1 warning",
    ]
    strict = make_app(fixture_course).test_cli_runner().invoke(args=["check", "--strict"])
    assert strict.exit_code == 1
    paths = make_app(fixture_course).test_cli_runner().invoke(args=["paths", "fixture-routes"])
    assert paths.output.splitlines()[-1] == "4 of 8 paths pass; scores from 0% to 100%"


def test_check_runs_when_the_configured_content_is_broken(course_copy):
    course_copy.edit("lessons/welcome.md", "minutes: 3", "minutes: 0")
    created: list = []
    result = CliRunner().invoke(make_group(course_copy.root, created), ["check"])
    assert result.exit_code == 1
    assert not isinstance(result.exception, ContentError)
    assert result.output.startswith("lessons/welcome.md:4: 'minutes' in the front matter")
    assert created  # the app was built only to read CONTENT_DIR


def test_check_reports_the_apps_own_load_without_reading_the_files_again(fixture_course, rendered):
    make_app(fixture_course)
    renders_in_one_load = len(rendered)
    rendered.clear()
    result = CliRunner().invoke(make_group(fixture_course, []), ["check"])
    assert result.exit_code == 0, result.output
    assert len(rendered) == renders_in_one_load


def test_check_with_content_does_not_build_the_app(course_copy, fixture_course):
    course_copy.edit("lessons/welcome.md", "minutes: 3", "minutes: 0")
    created: list = []
    group = make_group(course_copy.root, created)
    result = CliRunner().invoke(group, ["check", "--content", str(fixture_course)])
    assert result.exit_code == 0, result.output
    assert not created


def test_the_course_command_loads_no_database_code_until_it_builds_the_app():
    # So `course check --content DIR` does not pay for importing them.
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, course.cli; print(sorted(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("'")
    assert "course.content" in loaded
    assert not [name for name in loaded if name.startswith(("sqlalchemy", "course.auth"))]


def test_other_commands_print_the_problems_without_a_traceback(course_copy):
    course_copy.edit("lessons/welcome.md", "minutes: 3", "minutes: 0")

    def create_app() -> Flask:
        app = make_app(course_copy.root)

        @app.cli.command("hello")
        def hello():
            """Say hello."""

        return app

    group = FlaskGroup(create_app=create_app, add_default_commands=False, load_dotenv=False)
    result = CliRunner().invoke(group, ["hello"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "the course content has 1 problem:\nlessons/welcome.md:4: 'minutes'" in result.output


def test_invalid_content_stops_the_app_with_the_check_messages(course_copy):
    course_copy.edit("lessons/welcome.md", "minutes: 3", "minutes: 0")
    with pytest.raises(ContentError) as raised:
        make_app(course_copy.root)
    assert str(raised.value) == (
        "lessons/welcome.md:4: 'minutes' in the front matter must be a whole number above 0, "
        "not the number 0"
    )
    assert [problem.line for problem in raised.value.problems] == [4]


def test_deferred_errors_are_raised_by_get_catalog(course_copy):
    course_copy.edit("lessons/welcome.md", "minutes: 3", "minutes: 0")
    app = make_app(course_copy.root, CONTENT_DEFER_ERRORS=True)
    with app.app_context(), pytest.raises(ContentError, match=r"welcome\.md:4"):
        get_catalog()


def test_catalog_is_stored_on_the_app(fixture_course):
    app = make_app(fixture_course)
    with app.app_context():
        assert get_catalog() is app.extensions["course_catalog"]
        assert get_catalog().course.title == "Fixture Course"


def test_development_reload_swaps_in_changed_content(course_copy, monkeypatch, caplog):
    monkeypatch.setattr(reloading, "CHECK_INTERVAL_SECONDS", 0)
    app = make_app(course_copy.root, CONTENT_RELOAD=True)
    client = app.test_client()
    welcome = app.extensions["course_catalog"].lessons["welcome"]
    assert client.get("/title").text == "Fixture Course"

    course_copy.edit("lessons/course.yaml", "title: Fixture Course", "title: Renamed Course!")
    assert client.get("/title").text == "Renamed Course!"
    # Unchanged files are not read again: the very same objects are reused.
    assert app.extensions["course_catalog"].lessons["welcome"] is welcome

    course_copy.edit("lessons/welcome.md", "minutes: 3", "minutes: -3")
    with caplog.at_level(logging.ERROR):
        assert client.get("/title").text == "Renamed Course!"
    assert "lessons/welcome.md:4: 'minutes' in the front matter" in caplog.text


def test_reload_renders_only_changed_files(course_copy, monkeypatch, rendered):
    monkeypatch.setattr(reloading, "CHECK_INTERVAL_SECONDS", 0)
    app = make_app(course_copy.root, CONTENT_RELOAD=True)
    rendered.clear()  # what building the app rendered
    client = app.test_client()
    client.get("/title")
    assert rendered == []  # nothing changed, nothing rendered, not even per request
    course_copy.edit("lessons/wrap-up.md", "any time.", "whenever you like.")
    client.get("/title")
    assert len(rendered) == 1
    assert "whenever you like" in rendered[0]
