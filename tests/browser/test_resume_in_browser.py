"""Nothing lost, always a next step: drafts, Continue, the review's next step, out of attempts.

In a real browser, by labels, with axe on every page visited.
"""

import re

import pytest
from playwright.sync_api import expect

from course.auth.models import Role, User
from course.auth.passwords import hash_password
from course.db import new_session, utcnow
from course.manage.cohorts import create_cohort, join_cohort
from tests.browser.conftest import press_and_leave, register, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "a sturdy passphrase 9"


def answer_four(page):
    page.get_by_label("The intern", exact=True).check()
    page.get_by_label("The release checklist", exact=True).check()
    page.get_by_label("The launch calendar").check()
    page.get_by_label("False").check()


def assert_four_answered(page):
    expect(page.get_by_label("The intern", exact=True)).to_be_checked()
    expect(page.get_by_label("The release checklist", exact=True)).to_be_checked()
    expect(page.get_by_label("The launch calendar")).to_be_checked()
    expect(page.get_by_label("The product roadmap")).not_to_be_checked()
    expect(page.get_by_label("False")).to_be_checked()


def answer_all(page, *, right: bool):
    page.get_by_label("The intern" if right else "The coordinator", exact=True).check()
    page.get_by_label("The release checklist", exact=True).check()
    page.get_by_label("The launch calendar").check()
    page.get_by_label("False" if right else "True", exact=True).check()
    page.get_by_label("Launch a capstone project").select_option(label="PM intern")
    page.get_by_label("Keep the release checklist current").select_option(
        label="Product coordinator"
    )
    press_and_leave(page, "Submit answers")


def test_answers_saved_as_they_change_come_back_on_a_second_device(
    browser, live_server, page, check_a11y
):
    register(page)
    page.goto("/quizzes/fixture-quiz")
    check_a11y(page)
    answer_four(page)
    status = page.get_by_role("status").filter(has_text="Your answers were saved at")
    status.wait_for()
    check_a11y(page)
    # Off to "My progress" and back: the answers are there.
    page.get_by_role("link", name="My progress").click()
    expect(page.get_by_role("heading", name="My progress")).to_be_visible()
    page.go_back()
    page.reload()
    assert_four_answered(page)
    # The button saves too, with JavaScript as without.
    page.get_by_role("button", name="Save and finish later").click()
    expect(page.get_by_text("Come back to this quiz, on any device, to finish it.")).to_be_visible()
    check_a11y(page)

    # An answer not saved yet: leaving asks first, and staying keeps the page.
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    with page.expect_response(lambda response: response.url.endswith("/draft")) as saved:
        page.get_by_label("The product roadmap").check()
        with page.expect_event("dialog"):
            page.get_by_role("link", name="My progress").click()
    assert dialogs == ["beforeunload"]
    expect(page).to_have_url(re.compile(r"/quizzes/fixture-quiz$"))
    assert saved.value.ok  # ...and a moment later the answer is saved anyway

    # A second device, the same learner: the answers and when they were saved.
    phone = browser.new_context(base_url=live_server.url).new_page()
    sign_in(phone, "lin@example.com", PASSWORD)
    phone.goto("/quizzes/fixture-quiz")
    expect(
        phone.get_by_text(re.compile(r"Your answers saved .* UTC are filled in below"))
    ).to_be_visible()
    expect(phone.get_by_label("The intern", exact=True)).to_be_checked()
    expect(phone.get_by_label("The product roadmap")).to_be_checked()
    check_a11y(phone)
    # Submitting there removes the draft: the next attempt starts blank.
    phone.get_by_label("The product roadmap").uncheck()
    answer_all(phone, right=False)
    expect(phone.get_by_text("Not passed yet")).to_be_visible()
    check_a11y(phone)
    phone.get_by_role("link", name="Try again").click()
    expect(phone.get_by_text("Attempt 2 of 3")).to_be_visible()
    expect(phone.get_by_label("The intern", exact=True)).not_to_be_checked()
    phone.context.close()


def test_save_and_finish_later_without_javascript(browser, live_server):
    # No axe here: it runs as a script. The same pages pass it in the test above.
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    register(page, email="nojs@example.com")
    page.goto("/quizzes/fixture-quiz")
    answer_four(page)
    page.get_by_label("Launch a capstone project").select_option(label="PM intern")
    page.get_by_role("button", name="Save and finish later").click()
    expect(page.get_by_text("Your answers were saved at")).to_be_visible()
    page.get_by_role("link", name="My progress").click()
    expect(page.get_by_role("heading", name="My progress")).to_be_visible()
    page.goto("/quizzes/fixture-quiz")
    assert_four_answered(page)
    expect(page.get_by_label("Launch a capstone project")).to_have_value("intern")
    expect(page.get_by_label("Keep the release checklist current")).to_have_value("")
    expect(
        page.get_by_text(re.compile(r"Your answers saved .* UTC are filled in below"))
    ).to_be_visible()
    context.close()


def test_continue_returns_to_a_scenario_left_midway(page, check_a11y):
    register(page)
    page.goto("/lessons/welcome")
    page.get_by_role("button", name="Mark as complete").click()
    # Let the answer arrive before the next goto() cancels the request.
    expect(page).to_have_url(re.compile(r"/lessons/roles$"))
    page.goto("/scenarios/fixture-scenario")
    page.get_by_role("button", name="Start").click()
    page.get_by_role("button", name="Check the release checklist").click()
    expect(page.get_by_role("heading", name="Decision 2")).to_be_visible()
    page.goto("/")
    check_a11y(page)
    page.get_by_role("link", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/scenarios/fixture-scenario$"))
    expect(page.get_by_role("heading", name="Decision 2")).to_be_visible()
    check_a11y(page)


def test_the_review_starts_with_the_next_step_and_a_pass_reopens_on_its_result(page, check_a11y):
    register(page)
    page.goto("/quizzes/fixture-quiz")
    answer_all(page, right=False)
    expect(page.get_by_role("heading", name="Not passed yet")).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="Try again").click()
    expect(page.get_by_text("Attempt 2 of 3")).to_be_visible()
    answer_all(page, right=True)
    expect(page.get_by_role("heading", name="Passed")).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="Go on to Fixture Scenario").click()
    expect(page).to_have_url(re.compile(r"/scenarios/fixture-scenario$"))

    # Reopening the passed quiz: its result and attempts, and "Try again" as a choice.
    page.goto("/quizzes/fixture-quiz")
    expect(page.get_by_role("heading", name="You passed this quiz")).to_be_visible()
    expect(page.get_by_role("link", name="Attempt 2")).to_be_visible()
    expect(page.get_by_role("button", name="Submit answers")).to_have_count(0)
    check_a11y(page)
    page.get_by_role("link", name="Try again").click()
    expect(page.get_by_text("Attempt 3 of 3")).to_be_visible()
    expect(page.get_by_role("button", name="Submit answers")).to_be_visible()
    check_a11y(page)


def test_out_of_attempts_says_whom_to_ask(live_app, page, check_a11y):
    register(page, email="stuck@example.com")
    with live_app.app_context(), new_session(write=True) as session:
        manager = User(
            email="mona@example.com",
            name="Mona Manager",
            role=Role.MANAGER,
            password_hash=hash_password(PASSWORD),
        )
        session.add(manager)
        session.flush()
        cohort = create_cohort(
            session,
            name="Spring hires",
            starts_on=None,
            due_on=None,
            manager_id=manager.id,
            now=utcnow(),
        )
        learner = session.query(User).filter_by(email="stuck@example.com").one()
        join_cohort(session, cohort_id=cohort.id, user_ids=[learner.id], now=utcnow())
        session.commit()
    for _ in range(3):
        page.goto("/quizzes/fixture-quiz?again=1")
        answer_all(page, right=False)
    expect(page.get_by_text("Ask Mona Manager for another attempt.")).to_be_visible()
    check_a11y(page)
    page.goto("/quizzes/fixture-quiz")
    expect(page.get_by_text("You have used all 3 attempts")).to_be_visible()
    expect(page.get_by_text("Ask Mona Manager for another attempt.")).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="My progress").click()
    expect(page.get_by_role("heading", name="My progress")).to_be_visible()
    expect(page.get_by_text("Ask Mona Manager for another attempt.")).to_be_visible()
    check_a11y(page)
