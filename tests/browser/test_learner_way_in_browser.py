"""The learner's way through, in a real browser at desktop and phone widths, axe on every page:
the course contents beside each item, the first paragraph on the first screen, "Mark as
complete and continue", the finish, due dates and the calendar feed, tables on a phone.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from course.auth.models import Role, User
from course.db import new_session, utcnow
from course.manage.cohorts import create_cohort, join_cohort
from course.site.formats import day
from tests.browser.conftest import register
from tests.browser.test_learner_journey import play_best_path, take_quiz_right

pytestmark = pytest.mark.browser

# (width, height): a laptop and a phone.
SCREENS = {"desktop": (1280, 800), "phone": (375, 812)}


@pytest.fixture(params=list(SCREENS))
def screen(request, browser, live_server):
    """A page in a fresh browser context of the screen's size."""
    width, height = SCREENS[request.param]
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": height}
    )
    page = context.new_page()
    page.screen_name = request.param
    yield page
    context.close()


@pytest.fixture
def shoot(tmp_path):
    """Save a full-page screenshot to look at (in TEST_SCREENSHOTS, if set)."""
    folder = Path(os.environ.get("TEST_SCREENSHOTS") or tmp_path)

    def shoot(page, name: str) -> None:
        page.screenshot(path=folder / f"{name}-{page.screen_name}.png", full_page=True)

    return shoot


def fits_the_screen(page) -> bool:
    page.wait_for_load_state()  # measured once laid out with its stylesheet
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def contents_nav(page):
    """The course contents as this screen shows them: beside the page, or unfolded."""
    if page.screen_name == "phone":
        expect(page.get_by_role("navigation", name="Course contents")).to_have_count(0)  # folded
        page.locator("summary", has_text="Course contents").click()
    return page.get_by_role("navigation", name="Course contents")


def put_in_cohort(app, email: str, due_in_days: int) -> str:
    """Put the learner in a cohort due ``due_in_days`` from today; return the due date's text."""
    due_on = utcnow().date() + timedelta(days=due_in_days)
    with app.app_context(), new_session(write=True) as session:
        manager = User(email="m@example.com", name="Mo Manager", role=Role.MANAGER)
        session.add(manager)
        session.flush()
        learner_id = session.scalar(select(User.id).where(User.email == email))
        cohort = create_cohort(
            session,
            name="Autumn starters",
            starts_on=None,
            due_on=due_on,
            manager_id=manager.id,
            now=utcnow(),
        )
        join_cohort(session, cohort_id=cohort.id, user_ids=[learner_id], now=utcnow())
        session.commit()
    return day(due_on)


def test_every_item_page_shows_the_course_contents(screen, check_a11y):
    page = screen
    register(page)
    for path, title in [
        ("/lessons/roles", "The Two Roles"),
        ("/quizzes/fixture-quiz", "Fixture Quiz"),
        ("/scenarios/fixture-scenario", "Fixture Scenario"),
    ]:
        page.goto(path)
        nav = contents_nav(page)
        expect(nav).to_be_visible()
        expect(nav.locator('[aria-current="page"]')).to_have_text(title, use_inner_text=True)
        expect(nav.get_by_role("link", name="Welcome")).to_be_visible()
        expect(nav.get_by_text("Not started").first).to_be_visible()
        assert fits_the_screen(page), path
        check_a11y(page)
    if page.screen_name == "desktop":
        # Beside the text, not above or below it.
        text_box = page.locator(".item-body").bounding_box()
        nav_box = page.get_by_role("navigation", name="Course contents").bounding_box()
        assert nav_box["x"] >= text_box["x"] + text_box["width"]
        assert nav_box["y"] < text_box["y"] + 200


def test_a_lessons_first_paragraph_is_on_the_first_screen(screen, check_a11y, shoot):
    page = screen
    register(page)
    page.goto("/lessons/welcome")
    first_paragraph = page.locator(".prose p").first
    expect(first_paragraph).to_have_text("Welcome to the fixture course.", use_inner_text=True)
    assert first_paragraph.bounding_box()["y"] < page.viewport_size["height"]
    # The objectives are one click away.
    expect(page.get_by_text("Tell the two roles apart")).to_be_hidden()
    page.get_by_text("What you will be able to do").click()
    expect(page.get_by_text("Tell the two roles apart")).to_be_visible()
    assert fits_the_screen(page)
    check_a11y(page)
    shoot(page, "lesson")


def test_mark_as_complete_and_continue_or_only_move_on(screen, check_a11y):
    page = screen
    register(page)
    page.goto("/lessons/welcome")
    primary = page.get_by_role("button", name="Mark as complete and continue")
    next_link = page.get_by_role("link", name="Next", exact=True)
    expect(primary).to_be_visible()
    expect(next_link).to_be_visible()
    # The button is the primary action; "Next" (without completing) reads as a plain link.
    assert "button" in primary.get_attribute("class")
    assert "button" not in (next_link.get_attribute("class") or "")
    next_link.click()
    expect(page).to_have_url(re.compile(r"/lessons/roles$"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/lessons/welcome$"))
    page.get_by_role("button", name="Mark as complete").click()
    expect(page).to_have_url(re.compile(r"/lessons/roles$"))
    expect(page.get_by_text("“Welcome” is complete.")).to_be_visible()
    check_a11y(page)
    page.goto("/lessons/welcome")
    expect(page.get_by_text("You completed this lesson.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Mark as complete"))).to_have_count(0)


def test_the_request_that_finishes_the_course_shows_the_certificate(screen, check_a11y, shoot):
    page = screen
    register(page, name="Robin Finisher")
    expect(page.get_by_role("link", name="Certificate", exact=True)).to_have_count(0)
    take_quiz_right(page, check_a11y)
    play_best_path(page, check_a11y)
    page.goto("/lessons/welcome")
    page.get_by_role("button", name="Mark as complete").click()
    expect(page).to_have_url(re.compile(r"/lessons/roles$"))
    page.get_by_role("button", name="Mark as complete").click()  # roles: the last one left
    expect(page).to_have_url(re.compile(r"/certificate$"))
    expect(page.get_by_role("heading", name="You have completed the course")).to_be_visible()
    code = page.locator(".completion-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    verify_link = page.get_by_role("link", name=re.compile(re.escape(code) + "$"))
    expect(verify_link).to_be_visible()
    expect(page.get_by_role("button", name="Print the certificate")).to_be_visible()
    expect(page.get_by_role("heading", name="Robin Finisher")).to_be_visible()
    assert fits_the_screen(page)
    check_a11y(page)
    shoot(page, "finish")
    # From now on the header leads to it.
    page.goto("/")
    header = page.get_by_role("navigation", name="Main")
    header.get_by_role("link", name="Certificate", exact=True).click()
    expect(page).to_have_url(re.compile(r"/certificate$"))
    expect(page.get_by_text(code).first).to_be_visible()
    verify_link.click()
    expect(page.get_by_text("This certificate is genuine")).to_be_visible()


def test_due_date_on_outline_and_progress_and_in_the_calendar(screen, live_app, check_a11y, shoot):
    page = screen
    register(page, email="dana@example.com")
    due = put_in_cohort(live_app, "dana@example.com", due_in_days=9)
    page.goto("/")
    expect(page.get_by_text(f"Due {due}")).to_be_visible()
    expect(page.get_by_text("Autumn starters")).to_be_visible()
    assert fits_the_screen(page)
    check_a11y(page)
    shoot(page, "outline")
    page.goto("/progress")
    expect(page.get_by_text(f"Due {due}")).to_be_visible()
    assert fits_the_screen(page)
    check_a11y(page)
    shoot(page, "progress")
    address = page.locator(".calendar-address a").get_attribute("href")
    feed = page.request.get(address)
    assert feed.ok
    events = icalendar.Calendar.from_ical(feed.body()).walk("VEVENT")
    assert [day(event.decoded("dtstart")) for event in events] == [due]
    page.get_by_role("button", name="New calendar address").click()
    expect(page.get_by_text("Your calendar has a new address")).to_be_visible()
    check_a11y(page)
    expect(page.locator(".calendar-address a")).not_to_have_attribute("href", address)
    assert page.request.get(address).status == 404


def test_overdue_reads_overdue(page, live_app, check_a11y):
    register(page, email="late@example.com")
    due = put_in_cohort(live_app, "late@example.com", due_in_days=-3)
    for path in ("/", "/progress"):
        page.goto(path)
        expect(page.get_by_text(f"Due {due}")).to_be_visible()
        expect(page.get_by_text("overdue", exact=True)).to_be_visible()
        check_a11y(page)


def test_progress_tables_on_a_phone_say_they_scroll_and_keep_the_item_in_view(
    browser, live_server, check_a11y
):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 812})
    page = context.new_page()
    register(page)
    page.goto("/progress")
    assert fits_the_screen(page)
    expect(
        page.get_by_text("Scroll sideways for scores, attempts and dates.").first
    ).to_be_visible()
    region = page.get_by_role("region", name="Items of Getting started")
    item_cell = region.get_by_role("rowheader").first
    before = item_cell.bounding_box()["x"]
    region.evaluate("element => element.scrollBy(400, 0)")
    assert region.evaluate("element => element.scrollLeft") > 0  # it does scroll
    assert item_cell.bounding_box()["x"] == pytest.approx(before, abs=1)
    check_a11y(page)
    context.close()


def test_favicon_and_description(page):
    assert page.request.get("/favicon.ico").ok
    page.goto("/")
    expect(page.locator('link[rel="icon"]')).to_have_count(1)
    assert page.locator('meta[name="description"]').get_attribute("content")


def test_a_printed_lesson_leaves_out_progress_and_navigation(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    register(page)
    page.goto("/lessons/welcome")
    page.emulate_media(media="print")
    expect(page.get_by_text("Welcome to the fixture course.")).to_be_visible()
    for hidden in (".contents-aside", ".item-nav", ".site-header", ".lesson-end"):
        expect(page.locator(hidden), hidden).to_be_hidden()
    context.close()
