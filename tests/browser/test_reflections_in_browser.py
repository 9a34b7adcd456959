"""Reflections in a real browser: the textarea by its prompt, too few words, the review; axe."""

import pytest
from playwright.sync_api import expect

from course import create_app
from course.db import Model, make_engine
from tests.assess.course_copy import assessment_course
from tests.browser.conftest import register

pytestmark = pytest.mark.browser

PROMPT = "How would you explain the coordinator's role to a new engineer?"


@pytest.fixture
def live_app(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    engine = make_engine(url)
    Model.metadata.create_all(engine)
    engine.dispose()
    course = assessment_course(tmp_path / "course")
    return create_app(
        {
            "DATABASE_URL": url,
            "CONTENT_DIR": str(course),
            "SECRET_KEY": "browser tests",
            "RATELIMIT_ENABLED": False,
        },
        instance_path=str(tmp_path / "instance"),
    )


def test_write_too_little_then_enough_and_read_the_model_answer(page, check_a11y):
    register(page)
    page.goto("/quizzes/fixture-reflect")
    check_a11y(page)
    page.get_by_role("textbox", name=PROMPT).fill("Keeps the checklist.")
    page.get_by_role("textbox", name="What would you do in your first week?").fill("Listen first.")
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_text("You wrote 3 words; write at least 5.")).to_be_visible()
    expect(page.get_by_role("textbox", name=PROMPT)).to_have_value("Keeps the checklist.")
    check_a11y(page)
    page.get_by_role("textbox", name=PROMPT).fill(
        "Keeps the release checklist current for everyone."
    )
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("heading", name="Done")).to_be_visible()
    expect(page.get_by_role("heading", name="Model answer").first).to_be_visible()
    expect(page.get_by_text("Keeps the release checklist current for everyone.")).to_be_visible()
    check_a11y(page)
