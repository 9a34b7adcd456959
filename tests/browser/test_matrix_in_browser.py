"""The progress matrix at a phone's width and a laptop's: marks, sticky columns, axe clean.

Also the learner's page with its overrides and the confirm page before a removal.
"""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from course.auth.models import Role, User
from course.auth.passwords import hash_password
from course.content import get_catalog
from course.db import new_session, utcnow
from course.manage.cohorts import create_cohort, join_cohort
from course.progress.lessons import complete_lesson
from course.progress.quizzes import submit_attempt
from tests.browser.conftest import sign_in
from tests.conftest import RIGHT, WRONG

pytestmark = pytest.mark.browser

PASSWORD = "a manager's long passphrase"


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where screenshots go: TEST_SHOTS_DIR to keep and look at them, else a temporary folder."""
    folder = Path(os.environ.get("TEST_SHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def cohort_id(live_app):
    """A cohort of eight learners at every stage, one out of attempts, its due date past."""
    now = utcnow()
    with live_app.app_context(), new_session(write=True) as session:
        catalog = get_catalog()
        manager = User(
            email="mona@example.com",
            name="Mona Manager",
            role=Role.MANAGER,
            password_hash=hash_password(PASSWORD),
        )
        learners = [
            User(email=f"{name.split()[0].lower()}@example.com", name=name, role=Role.LEARNER)
            for name in (
                "Ada Ahead",
                "Bo Behind",
                "Cy Stuck",
                "Di Done",
                "Ed Early",
                "Flo Fresh",
                "Gus Going",
                "Hattie Maximiliana Longname-Worthington",
            )
        ]
        session.add_all([manager, *learners])
        session.flush()
        cohort = create_cohort(
            session,
            name="Spring hires",
            starts_on=None,
            due_on=(now - timedelta(days=1)).date(),
            manager_id=manager.id,
            now=now - timedelta(days=20),
        )
        join_cohort(
            session,
            cohort_id=cohort.id,
            user_ids=[learner.id for learner in learners],
            now=now - timedelta(days=15),
        )
        quiz = catalog.quizzes["fixture-quiz"]
        for position, learner in enumerate(learners):
            lessons = ("welcome", "roles")[: position % 3]
            for slug in lessons:
                complete_lesson(session, learner.id, slug, now - timedelta(days=position))
            if position in (0, 2, 3):
                answers = [RIGHT] if position != 2 else [WRONG, WRONG, WRONG]
                for number, given in enumerate(answers, start=1):
                    submit_attempt(
                        session,
                        user_id=learner.id,
                        quiz=quiz,
                        number=number,
                        answers=given,
                        started_at=now - timedelta(hours=1),
                        now=now,
                    )
        session.commit()
        return cohort.id


def test_the_matrix_reads_at_a_glance_at_1280_and_375(page, cohort_id, check_a11y, shots):
    sign_in(page, "mona@example.com", PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/manage/cohorts/{cohort_id}#matrix")
    check_a11y(page)
    row = page.get_by_role("row", name="Cy Stuck")
    assert "out of attempts on Fixture Quiz" in row.get_by_role("cell").nth(0).inner_text()
    expect(row.get_by_text("cy@example.com")).to_be_visible()
    quiz_head = page.locator("table.matrix thead th[title='3. Fixture Quiz']")
    assert quiz_head.locator("[aria-hidden=true]").inner_text() == "3"
    expect(page.get_by_role("columnheader", name="Fixture Quiz")).to_have_count(1)
    page.locator("#matrix").screenshot(path=str(shots / "matrix-1280.png"))

    # Scrolled sideways, the learner and their flags stay where they were.
    region = page.get_by_role("region", name="Progress matrix, scrolls sideways")
    name_cell = page.locator("table.matrix tbody th").first
    flags_cell = page.locator("table.matrix tbody td.flags-col").first
    before = (name_cell.bounding_box()["x"], flags_cell.bounding_box()["x"])
    region.evaluate("element => { element.scrollLeft = element.scrollWidth; }")
    after = (name_cell.bounding_box()["x"], flags_cell.bounding_box()["x"])
    assert after == before

    page.get_by_role("link", name="Overdue (8)").click()  # nobody has finished
    expect(page.get_by_text("8 of 8 learners (overdue)")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Export these 8 (CSV)").click()
    assert "-overdue-" in download.value.suggested_filename
    check_a11y(page)

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"/manage/cohorts/{cohort_id}#matrix")
    check_a11y(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert region.evaluate("element => element.scrollWidth > element.clientWidth")
    page.locator("#matrix").screenshot(path=str(shots / "matrix-375.png"))
    page.screenshot(path=str(shots / "cohort-375-top.png"))


def test_overrides_and_removal_pages_pass_axe(page, cohort_id, check_a11y, shots):
    sign_in(page, "mona@example.com", PASSWORD)
    page.goto(f"/manage/cohorts/{cohort_id}")
    page.get_by_role("link", name="Cy Stuck").click()
    expect(page.get_by_role("button", name="Grant another attempt", exact=True)).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name="Grant another attempt", exact=True).click()
    expect(page.get_by_text("Cy Stuck has another attempt at “Fixture Quiz”.")).to_be_visible()
    later = (utcnow() + timedelta(days=14)).date()
    page.get_by_label("New due date").fill(later.isoformat())
    page.get_by_role("button", name="Extend due date", exact=True).click()
    expect(page.get_by_text("Cy Stuck is now due")).to_be_visible()
    expect(page.get_by_text("Mona Manager gave another attempt at Fixture Quiz")).to_be_visible()
    check_a11y(page)
    page.screenshot(path=str(shots / "learner-1280.png"), full_page=True)

    page.goto(f"/manage/cohorts/{cohort_id}/people")
    page.get_by_role("link", name="Remove Bo Behind").click()
    expect(
        page.get_by_role("heading", name="Remove Bo Behind from “Spring hires”?")
    ).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name="Remove Bo Behind").click()
    expect(page.get_by_role("heading", name="Recently removed")).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name="Undo removing Bo Behind").click()
    expect(page.get_by_text("Bo Behind is back in “Spring hires”")).to_be_visible()
