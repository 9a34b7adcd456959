"""The catalog: what loading the fixture course, a new course and the shipped course gives."""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import textwrap
from pathlib import Path

import pytest

from course.content import ContentError, OutlineItem, check_content, load_catalog

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture
def catalog(fixture_course):
    return load_catalog(fixture_course)


def test_fixture_outline(catalog):
    course = catalog.course
    assert course.title == "Fixture Course"
    assert course.sequential is False
    assert [module.title for module in course.modules] == ["Getting started", "Practice"]
    assert catalog.items == (
        OutlineItem("lesson", "welcome", True, 0, 0, "Welcome", 3),
        OutlineItem("lesson", "roles", True, 0, 1, "The Two Roles", 5),
        OutlineItem("quiz", "fixture-quiz", True, 0, 2, "Fixture Quiz", 4),
        OutlineItem("scenario", "fixture-scenario", True, 1, 3, "Fixture Scenario", 3),
        OutlineItem("scenario", "fixture-routes", False, 1, 4, "Fixture Routes", 4),
        OutlineItem("lesson", "wrap-up", False, 1, 5, "Wrapping Up", 2),
    )
    assert course.modules[1].items == catalog.items[3:]
    assert [item.slug for item in catalog.required_items] == [
        "welcome",
        "roles",
        "fixture-quiz",
        "fixture-scenario",
    ]
    assert catalog.summary() == "3 lessons, 1 quiz, 2 scenarios in 2 modules"


def test_find_and_outline_item(catalog):
    assert catalog.find("lesson", "roles") is catalog.lessons["roles"]
    assert catalog.find("quiz", "fixture-quiz") is catalog.quizzes["fixture-quiz"]
    assert catalog.find("scenario", "fixture-scenario") is catalog.scenarios["fixture-scenario"]
    assert catalog.find("quiz", "roles") is None
    assert catalog.find("page", "roles") is None
    assert catalog.outline_item("lesson", "wrap-up").index == 5
    assert catalog.outline_item("lesson", "nowhere") is None


def test_lesson_fields(catalog, fixture_course):
    lesson = catalog.lessons["welcome"]
    assert lesson.title == "Welcome"
    assert lesson.summary == "What this course covers and how it works."
    assert lesson.minutes == 3
    assert [each.text for each in lesson.objectives] == [
        "Find your way around the course",
        "Tell the two roles apart",
    ]
    assert all(each.id is None for each in lesson.objectives)  # plain strings: no ids
    assert lesson.path == "lessons/welcome.md"
    data = (fixture_course / "lessons" / "welcome.md").read_bytes()
    assert lesson.version == hashlib.sha256(data).hexdigest()[:16]
    assert catalog.lessons["wrap-up"].summary == ""
    assert catalog.lessons["wrap-up"].objectives == ()


def test_quiz_fields(catalog):
    quiz = catalog.quizzes["fixture-quiz"]
    assert (quiz.pass_mark, quiz.max_attempts, quiz.shuffle) == (70, 3, False)
    assert quiz.total_points == 6.0
    assert quiz.minutes == 4  # one a question by default
    assert [question.type for question in quiz.questions] == [
        "single",
        "multiple",
        "true_false",
        "classify",
    ]
    single = quiz.question("pick-one")
    assert single.prompt_html == "<p>Which role is a <strong>learning</strong> opportunity?</p>\n"
    assert single.explanation_html == "<p>Internships are built for learning.</p>\n"
    assert single.option("coordinator").feedback_html.startswith("<p>The coordinator")
    assert single.option("intern").feedback_html == ""
    assert quiz.question("pick-many").partial is True
    assert quiz.question("is-accountable").answer is False
    assert quiz.question("who-does-it").items[1].category == "coordinator"


def test_scenario_fields(catalog):
    scenario = catalog.scenarios["fixture-scenario"]
    assert scenario.start == "kickoff"
    assert scenario.based_on == "roles"
    assert scenario.pass_mark == 60
    assert scenario.max_points == 4.0  # careful + ship, not the longer careful + wait + recover
    assert scenario.minutes == 3
    assert list(scenario.steps) == ["kickoff", "checklist", "detour"]
    assert {ending.id: ending.rating for ending in scenario.endings.values()} == {
        "success": "best",
        "muddle": "mixed",
        "stumble": "poor",
    }
    careful = scenario.steps["kickoff"].choice("careful")
    assert (careful.points, careful.targets) == (2.0, ("checklist",))
    assert careful.feedback_html == "<p>Good habit.</p>\n"
    assert scenario.steps["kickoff"].choice("rush").points == 0.0
    # Files from before flags, routes and ratings read as they always did.
    assert scenario.shuffle is False
    assert [c.rating for c in scenario.steps["kickoff"].choices] == ["good", "partial", "poor"]
    assert careful.sets == frozenset()
    assert scenario.best_path == (("kickoff", "careful"), ("checklist", "ship"))


def test_scenario_with_every_key(catalog):
    scenario = catalog.scenarios["fixture-routes"]
    assert scenario.shuffle is True
    assert scenario.max_points == 6.0
    assert scenario.best_path == (("brief", "measure"), ("findings", "share"), ("review", "story"))
    brief, findings = scenario.steps["brief"], scenario.steps["findings"]
    assert brief.choice("measure").sets == frozenset({"measured"})
    # An explicit rating wins; without one, 0 points of a step whose best earns 2 is poor.
    assert [(c.id, c.rating) for c in findings.choices] == [("share", "good"), ("hold", "partial")]
    assert scenario.steps["review"].choice("slides").rating == "poor"
    assert findings.text_for({"measured"}, 33) == "<p>Your numbers show where users drop off.</p>\n"
    assert findings.text_for(set(), 0) == "<p>The review is tomorrow.</p>\n"
    story = scenario.steps["review"].choice("story")
    assert story.targets == ("offer", "dented", "quiet")
    assert story.next_for({"measured", "shared"}, 100) == "offer"
    assert story.next_for({"measured"}, 79.9) == "quiet"
    assert story.next_for({"guessed"}, 100) == "dented"


def test_catalog_is_immutable(catalog):
    with pytest.raises(dataclasses.FrozenInstanceError):
        catalog.lessons["welcome"].title = "Changed"
    with pytest.raises(TypeError):
        catalog.lessons["new"] = catalog.lessons["welcome"]
    with pytest.raises(TypeError):
        catalog.scenarios["fixture-scenario"].steps["new"] = None
    assert isinstance(catalog.items, tuple)


@pytest.mark.parametrize("was_enabled", [True, False])
def test_loading_leaves_the_cycle_collector_as_it_found_it(fixture_course, was_enabled):
    # Loading pauses the collector for speed; it must not switch it on or off for good.
    set_collector = gc.enable if was_enabled else gc.disable
    set_collector()
    try:
        load_catalog(fixture_course)
        assert gc.isenabled() is was_enabled
    finally:
        gc.enable()


def test_load_catalog_raises_every_problem(course_copy):
    course_copy.edit("lessons/roles.md", "minutes: 5", "minutes: five")
    course_copy.edit("quizzes/fixture-quiz.yaml", "pass_mark: 70", "pass_mark: high")
    with pytest.raises(ContentError) as raised:
        load_catalog(course_copy.root)
    assert [problem.path for problem in raised.value.problems] == [
        "lessons/roles.md",
        "quizzes/fixture-quiz.yaml",
    ]


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_a_course_the_project_never_saw(tmp_path):
    write(
        tmp_path,
        "lessons/course.yaml",
        """\
        title: Sourdough at Home
        sequential: true
        modules:
          - title: Starter
            items:
              - lesson: feeding
          - title: Dough
            items:
              - lesson: mixing
              - quiz: hydration
          - title: Bake
            items:
              - scenario: oven-day
              - lesson: crumb-reading
                required: false
        """,
    )
    for slug, title in [("feeding", "Feeding"), ("mixing", "Mixing"), ("crumb-reading", "Crumb")]:
        write(tmp_path, f"lessons/{slug}.md", f"---\ntitle: {title}\nminutes: 4\n---\nText.\n")
    write(
        tmp_path,
        "quizzes/hydration.yaml",
        """\
        title: Hydration
        minutes: 2
        questions:
          - {id: ratio, type: true_false, prompt: 70% is wet, answer: false, points: 3}
        """,
    )
    write(
        tmp_path,
        "quizzes/oven-day.yaml",
        """\
        kind: scenario
        title: Oven day
        start: preheat
        steps:
          preheat:
            text: The oven is cold.
            choices:
              - {id: wait, text: Wait an hour, points: 1.5, next: loaf}
              - {id: rush, text: Bake now, next: flat}
        endings:
          loaf: {title: A fine loaf, rating: good}
          flat: {title: A flat loaf, rating: poor}
        """,
    )
    catalog = load_catalog(tmp_path)
    assert catalog.course.title == "Sourdough at Home"
    assert catalog.course.sequential is True
    assert [(item.module_index, item.kind, item.slug) for item in catalog.items] == [
        (0, "lesson", "feeding"),
        (1, "lesson", "mixing"),
        (1, "quiz", "hydration"),
        (2, "scenario", "oven-day"),
        (2, "lesson", "crumb-reading"),
    ]
    assert catalog.quizzes["hydration"].pass_mark == 70  # the default
    assert catalog.quizzes["hydration"].max_attempts is None
    assert catalog.quizzes["hydration"].total_points == 3.0
    assert catalog.scenarios["oven-day"].max_points == 1.5
    assert catalog.scenarios["oven-day"].pass_mark is None
    assert catalog.summary() == "3 lessons, 1 quiz, 1 scenario in 3 modules"


def test_the_shipped_course_is_valid():
    # Warnings (gameable scenarios) fail only ``course check --strict``.
    catalog, problems = check_content(REPOSITORY)
    assert [str(problem) for problem in problems if problem.is_error] == []
    assert catalog.course.modules
