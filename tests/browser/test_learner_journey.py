"""A learner takes the fixture course in a real browser, by labels, with axe on every page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import register

pytestmark = pytest.mark.browser


def take_quiz_right(page, check_a11y):
    page.goto("/quizzes/fixture-quiz")
    expect(page.get_by_text("Attempt 1 of 3")).to_be_visible()
    check_a11y(page)
    page.get_by_label("The intern", exact=True).check()
    page.get_by_label("The release checklist", exact=True).check()
    page.get_by_label("The launch calendar").check()
    page.get_by_label("False").check()
    page.get_by_label("Launch a capstone project").select_option(label="PM intern")
    page.get_by_label("Keep the release checklist current").select_option(
        label="Product coordinator"
    )
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_text("Score 100%")).to_be_visible()
    check_a11y(page)


def play_best_path(page, check_a11y):
    page.goto("/scenarios/fixture-scenario")
    check_a11y(page)
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", name="Decision 1")).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name="Check the release checklist").click()
    expect(page.get_by_text("Good habit.")).to_be_visible()
    # With JavaScript on, focus lands on the new step's heading.
    expect(page.locator("#step-heading")).to_be_focused()
    page.get_by_role("button", name="Ship on Friday").click()
    expect(page.get_by_role("heading", name="A smooth release")).to_be_visible()
    check_a11y(page)


def test_outline_and_lesson_at_phone_width(browser, live_server, check_a11y):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 740})
    page = context.new_page()
    register(page)
    check_a11y(page)
    page.goto("/lessons/welcome")
    check_a11y(page)
    # Nothing is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("link", name="Next", exact=True).click()
    expect(page).to_have_url(re.compile(r"/lessons/roles$"))
    page.get_by_role("link", name="Previous", exact=True).click()
    expect(page).to_have_url(re.compile(r"/lessons/welcome$"))
    context.close()


def test_lessons_and_quiz_work_without_javascript(browser, live_server, check_a11y):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    register(page, email="nojs@example.com")
    page.goto("/lessons/welcome")
    page.get_by_role("button", name="Mark as complete").click()
    expect(page).to_have_url(re.compile(r"/lessons/roles$"))
    page.goto("/")
    expect(page.get_by_text("25% · 1 of 4 required items done")).to_be_visible()
    page.goto("/scenarios/fixture-scenario")
    page.get_by_role("button", name="Start").click()
    page.get_by_role("button", name="Ship it now").click()
    expect(page.get_by_role("heading", name="A broken release")).to_be_visible()
    context.close()


def test_quiz_review_and_unanswered_questions(page, check_a11y):
    register(page)
    page.goto("/quizzes/fixture-quiz")
    page.get_by_label("The intern", exact=True).check()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_text("3 questions are not answered yet")).to_be_visible()
    expect(page.get_by_label("The intern", exact=True)).to_be_checked()
    check_a11y(page)
    html = page.content()
    assert "Internships are built for learning" not in html


def test_scenario_each_ending(page, check_a11y):
    register(page)
    endings = {
        "A smooth release": ["Check the release checklist", "Ship on Friday"],
        "A late release": ["Ask the team what is left", "Agree a new date with the team"],
        "A broken release": ["Ship it now"],
    }
    for title, choices in endings.items():
        page.goto("/scenarios/fixture-scenario")
        page.get_by_role("button", name=re.compile("^Start")).click()
        for choice in choices:
            # Each choice is offered on one step only: seeing it means that step has arrived.
            expect(page.get_by_role("button", name=choice)).to_be_visible()
            check_a11y(page)
            page.get_by_role("button", name=choice).click()
        expect(page.get_by_role("heading", name=title)).to_be_visible()
        check_a11y(page)
    page.goto("/scenarios/fixture-scenario")
    expect(page.get_by_text("Run 3")).to_be_visible()
    check_a11y(page)


def test_finish_the_course_and_verify_the_certificate(browser, live_server, page, check_a11y):
    register(page, name="Robin Finisher")
    take_quiz_right(page, check_a11y)
    play_best_path(page, check_a11y)
    for slug in ("welcome", "roles"):
        page.goto(f"/lessons/{slug}")
        check_a11y(page)
        page.get_by_role("button", name="Mark as complete").click()
        # Let the answer arrive before the next goto() cancels the request.
        expect(page).not_to_have_url(re.compile(rf"/lessons/{slug}$"))
    # The request that completes the last item leads to the finish.
    expect(page.get_by_role("heading", name="You have completed the course")).to_be_visible()
    page.goto("/progress")
    check_a11y(page)
    page.get_by_role("link", name="See your certificate").click()
    expect(page.get_by_role("heading", name="Robin Finisher")).to_be_visible()
    check_a11y(page)
    code = page.locator(".certificate-code strong").inner_text()

    stranger = browser.new_context(base_url=live_server.url).new_page()
    stranger.goto(f"/certificates/{code}")
    expect(stranger.get_by_text("This certificate is genuine")).to_be_visible()
    expect(stranger.get_by_text("Robin Finisher")).to_be_visible()
    check_a11y(stranger)
    stranger.context.close()
