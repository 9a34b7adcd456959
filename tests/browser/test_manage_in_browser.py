"""A new manager runs a cohort in a real browser: create it, share the link, watch a learner
join and progress, read the quiz analysis, export the CSV; axe on every page.
"""

import csv
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from course.auth.models import Role, User
from course.auth.passwords import hash_password
from course.db import new_session, utcnow
from course.manage.cohorts import create_cohort, invite_to_cohort
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

MANAGER_PASSWORD = "a manager's long passphrase"
# A cell's text without what is hidden from assistive technology.
SPOKEN_TEXT = """cell => {
    const copy = cell.cloneNode(true);
    copy.querySelectorAll('[aria-hidden="true"]').forEach(e => e.remove());
    copy.querySelectorAll('*').forEach(e => e.append(' '));
    return copy.textContent;
}"""


@pytest.fixture
def manager(live_app):
    with live_app.app_context(), new_session(write=True) as session:
        session.add(
            User(
                email="mona@example.com",
                name="Mona Manager",
                role=Role.MANAGER,
                password_hash=hash_password(MANAGER_PASSWORD),
            )
        )
        session.commit()
    return "mona@example.com"


def test_manager_shares_a_link_and_follows_a_learner(
    browser, live_server, page, manager, check_a11y
):
    sign_in(page, manager, MANAGER_PASSWORD)
    # A manager lands on the cohorts page, so "Manage" reloads it: nothing on it changes.
    with page.expect_navigation():
        page.get_by_role("link", name="Manage", exact=True).click()
    check_a11y(page)
    page.get_by_role("link", name="New cohort").click()
    expect(page).to_have_url(re.compile(r"/manage/cohorts/new$"))
    check_a11y(page)
    page.get_by_label("Name").fill("Spring hires")
    page.get_by_role("button", name="Create cohort").click()
    expect(page.get_by_role("heading", name="Spring hires")).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name="Invite link").click()
    expect(page).to_have_url(re.compile(r"/manage/cohorts/\d+#invite$"))
    link = page.get_by_label("Address to share with learners")
    expect(page.get_by_role("button", name="Copy")).to_be_visible()  # shown by course.js
    invite = link.input_value()
    assert invite.startswith(f"{live_server.url}/join/")
    check_a11y(page)
    cohort_url = page.url.split("#")[0]

    learner_context = browser.new_context(base_url=live_server.url)
    learner = learner_context.new_page()
    learner.goto(invite)
    expect(learner.get_by_role("heading", name="Join “Spring hires”")).to_be_visible()
    check_a11y(learner)
    learner.get_by_role("main").get_by_role("link", name="Create account").click()
    expect(learner).to_have_url(re.compile(r"/register"))
    learner.get_by_label("Name").fill("Lin Learner")
    learner.get_by_label("Email").fill("lin@example.com")
    learner.get_by_label("Password").fill("a sturdy passphrase 9")
    learner.get_by_role("button", name="Create account").click()
    expect(learner.get_by_role("heading", name="You are in “Spring hires”")).to_be_visible()
    check_a11y(learner)
    learner.goto("/lessons/welcome")
    learner.get_by_role("button", name="Mark as complete").click()
    # Let the answer arrive before the next goto() cancels the request.
    expect(learner).to_have_url(re.compile(r"/lessons/roles$"))
    learner.goto("/quizzes/fixture-quiz")
    learner.get_by_label("The intern", exact=True).check()
    learner.get_by_label("The release checklist", exact=True).check()
    learner.get_by_label("The launch calendar").check()
    learner.get_by_label("True").check()  # wrong: an intern is not accountable
    learner.get_by_label("Launch a capstone project").select_option(label="PM intern")
    learner.get_by_label("Keep the release checklist current").select_option(
        label="Product coordinator"
    )
    learner.get_by_role("button", name="Submit answers").click()
    expect(learner.get_by_text("Score 83%")).to_be_visible()
    learner_context.close()

    page.goto(cohort_url)
    row = page.get_by_role("row", name="Lin Learner")
    assert row.get_by_role("cell").nth(1).inner_text() == "50%"  # after the flags
    assert "Passed 83%" in " ".join(row.inner_text().split())
    check_a11y(page)
    # What each cell says in words: the marks are pictures of the same, hidden from readers.
    matrix_cells = [
        " ".join(cell.evaluate(SPOKEN_TEXT).split()) for cell in row.locator("th, td").all()
    ]

    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    check_a11y(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    region = page.get_by_role("region", name="Progress matrix, scrolls sideways")
    assert region.evaluate("element => element.scrollWidth > element.clientWidth")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="Fixture Quiz").click()
    expect(page.get_by_role("heading", name="Fixture Quiz: question analysis")).to_be_visible()
    expect(page.get_by_text("1 attempt by 1 learner")).to_be_visible()
    expect(page.get_by_text("Not enough data yet").first).to_be_visible()
    check_a11y(page)
    page.goto(cohort_url)
    page.get_by_role("link", name="Fixture Scenario").click()
    expect(page.get_by_role("heading", name="Fixture Scenario: choice analysis")).to_be_visible()
    check_a11y(page)
    page.goto(cohort_url)
    page.get_by_role("link", name="Lin Learner").click()
    expect(page.get_by_role("link", name="Fixture Quiz, attempt 1")).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="Fixture Quiz, attempt 1").click()
    expect(page.get_by_text("Score 83%")).to_be_visible()  # the learner's own review page
    check_a11y(page)
    page.goto(cohort_url)
    page.get_by_role("link", name="Learners and managers").click()
    expect(page).to_have_url(re.compile(r"/people$"))
    check_a11y(page)
    page.get_by_label("Find a learner by name or email").fill("LIN@")
    page.get_by_role("button", name="Find", exact=True).click()
    expect(page.get_by_text("1 of 1 learners match “LIN@”")).to_be_visible()
    expect(page.get_by_role("link", name="Lin Learner", exact=True)).to_be_visible()
    check_a11y(page)

    page.goto(cohort_url)
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    assert download.value.suggested_filename.startswith("spring-hires-progress-")
    with open(download.value.path(), encoding="utf-8-sig") as exported:
        [header, record] = list(csv.reader(exported))
    assert record[:4] == ["Lin Learner", "lin@example.com", "50", "no"]
    assert matrix_cells[0] == f"{record[0]} {record[1]}"  # the name, the email under it
    assert matrix_cells[2] == f"{record[2]}%"
    quiz_column = header.index("Fixture Quiz status")
    assert record[quiz_column : quiz_column + 2] == ["passed", "83"]
    item_index = (quiz_column - 6) // 2  # six fixed columns, then status and score per item
    assert matrix_cells[3 + item_index] == "Passed 83%"


def test_a_learner_answers_an_invitation_at_sign_in_without_script(
    browser, live_server, live_app, page, manager, check_a11y
):
    with live_app.app_context(), new_session(write=True) as session:
        mona = session.scalar(select(User).where(User.email == manager))
        lea = User(
            email="lea@example.com",
            name="Lea Learner",
            role=Role.LEARNER,
            password_hash=hash_password(MANAGER_PASSWORD),
        )
        session.add(lea)
        session.flush()
        for name in ("Autumn hires", "Winter hires"):
            cohort = create_cohort(
                session, name=name, starts_on=None, due_on=None, manager_id=mona.id, now=utcnow()
            )
            invite_to_cohort(
                session, cohort_id=cohort.id, user_ids=[lea.id], invited_by=mona.id, now=utcnow()
            )
        session.commit()
    page.goto("/")  # the page fixture, with script, for axe
    sign_in(page, "lea@example.com", MANAGER_PASSWORD)
    expect(page.get_by_role("heading", name="Invitations")).to_be_visible()
    expect(page.get_by_text("Mona Manager invited you on").first).to_be_visible()
    check_a11y(page)
    # Answering needs no script: forms and labelled buttons only. (axe needs script,
    # so it runs above.)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    plain = context.new_page()
    sign_in(plain, "lea@example.com", MANAGER_PASSWORD)
    plain.get_by_role("button", name="Accept the invitation to “Autumn hires”").click()
    expect(plain.get_by_text("You have joined “Autumn hires”.")).to_be_visible()
    plain.get_by_role("button", name="Decline the invitation to “Winter hires”").click()
    expect(plain.get_by_text("You declined “Winter hires”.")).to_be_visible()
    expect(plain.get_by_role("button", name="Sign out")).to_be_visible()  # on to the course
    context.close()
    page.reload()
    expect(page.get_by_text("No invitations are waiting for you.")).to_be_visible()
    check_a11y(page)
