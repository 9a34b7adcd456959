"""A question type is one module and one template: the extension point, proven end to end.

``Numeric`` and ``Remark`` below are types no other module knows. Registered
for these tests only, with their templates in a folder of their own, they are
parsed and checked from a quiz file, shown, graded, reviewed, answered by the
demo and summarised for managers, with nothing else in the code changed.
``Remark`` is worth no points, as a type that is never graded is: it counts
for nothing in the score, and no result or facility is given for it. The last
test holds every registered type to providing each piece, so a missing one
fails here.
"""

from __future__ import annotations

import inspect
import random
import re
import shutil
from dataclasses import dataclass

import pytest
from flask import Blueprint
from jinja2 import Environment, FileSystemLoader
from sqlalchemy import select
from wtforms import StringField, TextAreaField

from course.auth.models import User
from course.config import REPOSITORY_ROOT
from course.content import QUESTION_TYPES, check_content, get_catalog
from course.content.fields import read_number
from course.content.question_types import Question, ResponseCount, template_name
from course.content.question_types.base import fraction_grade, review_base
from course.db import new_session, utcnow
from course.demo import fill_demo
from course.progress.models import QuizAnswer
from tests.conftest import FIXTURE_COURSE, csrf_token
from tests.content.broken_copies import FIXTURE_WARNINGS

TEMPLATES = REPOSITORY_ROOT / "course" / "templates"


@dataclass(frozen=True, kw_only=True)
class Numeric(Question):
    """A number to type in, right within ``tolerance`` of ``value``."""

    type = "numeric"
    keys = ("value", "tolerance")

    value: float
    tolerance: float = 0.0

    @classmethod
    def parse(cls, raw, common, source, where):
        problems_before = len(source.problems)
        if "value" not in raw:
            source.problem(raw.line, f"{where} is 'numeric' and needs a 'value'")
        value = read_number(source, raw, "value", where, default=0.0)
        tolerance = read_number(source, raw, "tolerance", where, default=0.0)
        if len(source.problems) > problems_before:
            return None
        return cls(value=value, tolerance=tolerance, **common)

    def grade(self, answer):
        is_number = isinstance(answer, int | float) and not isinstance(answer, bool)
        is_right = is_number and abs(answer - self.value) <= self.tolerance
        return fraction_grade(self, 1.0 if is_right else 0.0)

    def form_field(self, rng, label):
        return StringField(label)

    def read_answer(self, field):
        try:
            return float((field.raw_data or [""])[0])
        except ValueError:
            return None  # not a number yet: asked again, like an empty answer

    def review(self, answer, grade):
        rows = [{"given": answer, "expected": self.value, "is_right": grade.is_correct}]
        return review_base(self, rows)

    def summarise(self, answers):
        right = sum(self.grade(answer).is_correct for answer in answers)
        return [
            ResponseCount("Within the tolerance", right, True),
            ResponseCount("Outside it", len(answers) - right, False),
        ]

    def pick_answer(self, is_right, rng):
        return self.value if is_right else self.value + self.tolerance + rng.randint(1, 9)


@dataclass(frozen=True, kw_only=True)
class Remark(Question):
    """A few words of the learner's own, never graded: it is worth no points."""

    type = "remark"
    keys = ()

    @classmethod
    def parse(cls, raw, common, source, where):
        if "points" in raw:
            source.problem(raw.line_of("points"), f"{where} is a remark: it has no points")
            return None
        return cls(**{**common, "points": 0.0})

    def grade(self, answer):
        return fraction_grade(self, 1.0)

    def form_field(self, rng, label):
        return TextAreaField(label)

    def read_answer(self, field):
        return (field.raw_data or [""])[0].strip() or None

    def review(self, answer, grade):
        return review_base(self, [{"given": answer}])

    def summarise(self, answers):
        return [ResponseCount("Wrote a remark", len(answers), True)]

    def pick_answer(self, is_right, rng):
        return "A few words of my own."


NUMERIC_TEMPLATE = """\
{% macro input(question, field, is_missing) %}
    <label for="{{ field.id }}-value">Your number</label>
    <input id="{{ field.id }}-value" name="{{ field.name }}" inputmode="decimal"
      value="{{ field.data or '' }}"{% if is_missing %} aria-invalid="true"{% endif %}>
{% endmacro %}
{% macro review(review) %}
  {% for row in review.rows %}
    <p>You gave {{ row.given }}; the answer is {{ row.expected }}.</p>
  {% endfor %}
{% endmacro %}
"""

REMARK_TEMPLATE = """\
{% macro input(question, field, is_missing) %}
    <textarea id="{{ field.id }}-text" name="{{ field.name }}"
      aria-labelledby="{{ field.id }}-prompt">{{ field.data or "" }}</textarea>
{% endmacro %}
{% macro review(review) %}
  {% for row in review.rows %}<blockquote>{{ row.given }}</blockquote>{% endfor %}
{% endmacro %}
"""

NEW_QUESTIONS = """\
  - id: landing
    type: numeric
    prompt: In which year did Apollo 11 land on the Moon?
    value: 1969
    tolerance: 0.5
  - id: note
    type: remark
    prompt: What would you tell a new coordinator?
"""


@pytest.fixture
def new_types(monkeypatch):
    """Register the types for one test, as their modules' ``@register`` would for good."""
    for question_class in (Numeric, Remark):
        monkeypatch.setitem(QUESTION_TYPES, question_class.type, question_class)


@pytest.fixture
def numeric_course(tmp_path, new_types):
    """The fixture course with a numeric question and a remark added to its quiz."""
    root = tmp_path / "course"
    shutil.copytree(FIXTURE_COURSE, root)
    quiz = root / "quizzes" / "fixture-quiz.yaml"
    quiz.write_text(quiz.read_text() + NEW_QUESTIONS)
    return root


@pytest.fixture
def numeric_templates(tmp_path):
    folder = tmp_path / "templates"
    (folder / template_name("numeric")).parent.mkdir(parents=True)
    (folder / template_name("numeric")).write_text(NUMERIC_TEMPLATE)
    (folder / template_name("remark")).write_text(REMARK_TEMPLATE)
    return folder


@pytest.fixture
def app_config(app_config, numeric_course):
    return {**app_config, "CONTENT_DIR": str(numeric_course)}


@pytest.fixture
def app(app, numeric_templates):
    # The type's template comes from its own folder, as a plug-in's would.
    app.register_blueprint(Blueprint("numeric", __name__, template_folder=numeric_templates))
    return app


def test_the_quiz_file_with_the_new_type_is_valid(numeric_course):
    catalog, problems = check_content(numeric_course)
    assert [str(problem) for problem in problems] == FIXTURE_WARNINGS
    question = catalog.quizzes["fixture-quiz"].question("landing")
    assert isinstance(question, Numeric)
    assert (question.value, question.tolerance) == (1969.0, 0.5)
    assert catalog.quizzes["fixture-quiz"].question("note").points == 0
    assert catalog.quizzes["fixture-quiz"].total_points == 7  # 6 before, 1 numeric, 0 remark


def test_the_new_type_checks_its_own_keys_naming_file_and_line(numeric_course):
    quiz = numeric_course / "quizzes" / "fixture-quiz.yaml"
    text = quiz.read_text().replace("    value: 1969\n", "    value: soon\n")
    text = text.replace("    partial: true\n", "    partial: true\n    tolerance: 1\n")
    quiz.write_text(text)
    _catalog, problems = check_content(numeric_course)
    lines = text.splitlines()
    messages = {(p.line, p.message) for p in problems}
    value_line = lines.index("    value: soon") + 1
    tolerance_line = lines.index("    tolerance: 1") + 1
    assert any(line == value_line and "'value'" in m for line, m in messages), messages
    assert (
        tolerance_line,
        "'tolerance' does not apply to question 'pick-many', a multiple question "
        "(it takes: options, partial)",
    ) in messages


def test_the_page_shows_its_input_and_the_answer_is_graded_and_reviewed(
    app, client, make_user, enter_as
):
    enter_as(make_user())
    page = client.get("/quizzes/fixture-quiz").text
    assert '<label for="q-landing-value">Your number</label>' in page
    assert 'name="q-landing" inputmode="decimal"\n      value="">' in page
    assert "1969" not in page  # the answer key stays on the server
    assert (
        '<textarea id="q-note-text" name="q-note"\n      aria-labelledby="q-note-prompt">' in page
    )
    assert "· 0.0 points" not in page
    answers = {
        "attempt": re.search(r'name="attempt" value="([^"]+)"', page).group(1),
        "csrf_token": csrf_token(client),
        "q-pick-one": "intern",
        "q-pick-many": ["checklist", "calendar"],
        "q-is-accountable": "false",
        "q-who-does-it-capstone": "intern",
        "q-who-does-it-checklist": "coordinator",
        "q-note": "Keep the checklist current.",
    }
    asked_again = client.post("/quizzes/fixture-quiz", data={**answers, "q-landing": "soon"})
    assert asked_again.status_code == 422
    assert 'value="soon" aria-invalid="true">' in asked_again.text

    submitted = client.post("/quizzes/fixture-quiz", data={**answers, "q-landing": "1969.4"})
    assert submitted.status_code == 302
    review = client.get(submitted.headers["Location"]).text
    assert "Score <strong>100%</strong>" in review
    assert "You gave 1969.4; the answer is 1969.0." in review
    assert "<blockquote>Keep the checklist current.</blockquote>" in review
    assert review.count("Right:") == 5  # no result for the remark, worth no points


def test_the_demo_answers_it_and_managers_see_its_summary(app, client, enter_as):
    with app.app_context(), new_session(write=True) as session:
        made = fill_demo(
            session,
            get_catalog(),
            learners=40,
            password_hash="not used",
            now=utcnow(),
            rng=random.Random(3),
        )
        session.commit()
        given = session.scalars(
            select(QuizAnswer.answer).where(QuizAnswer.question_id == "landing")
        ).all()
        manager = session.scalar(select(User).where(User.email == made.manager_email))
    assert 1969.0 in given
    assert any(answer != 1969.0 for answer in given)
    enter_as(manager)
    page = client.get(f"/manage/cohorts/{made.cohort_id}/quizzes/fixture-quiz?attempts=all")
    right = given.count(1969.0)
    assert f"Within the tolerance</th><td>{right}</td><td>yes</td>" in page.text
    assert f"Outside it</th><td>{len(given) - right}</td><td>no</td>" in page.text
    # The remark, Question 6, has responses but no facility: it cannot be the most missed.
    assert "Wrote a remark</th>" in page.text
    assert "This question is worth no points: it is not graded." in page.text
    assert 'href="#question-6">Question 6</a>, facility' not in page.text


def test_every_registered_type_provides_each_piece():
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
    for name, question_class in QUESTION_TYPES.items():
        assert question_class.type == name
        assert not inspect.isabstract(question_class), f"{name} leaves a method abstract"
        module = environment.get_template(template_name(name)).module
        for macro in ("input", "review"):
            assert callable(getattr(module, macro, None)), f"{template_name(name)} has no {macro}"
