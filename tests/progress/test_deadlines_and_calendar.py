"""Due dates on the outline and /progress, and the private calendar feed of them."""

import re
from datetime import date, timedelta

import icalendar
import pytest
from sqlalchemy import select

from course.db import new_session, utcnow
from course.progress.calendar import calendar_token, current_feed_token, token_hash
from course.progress.models import CalendarFeed
from course.site.formats import day, points
from tests.conftest import post_form

FEED_RE = re.compile(r'href="(http://localhost/calendar/[A-Za-z0-9_-]+\.ics)"')


@pytest.fixture
def learner(make_user, enter_as):
    user = make_user(name="Dana Due")
    enter_as(user)
    return user


@pytest.fixture
def manager(make_user):
    from course.auth.models import Role

    return make_user(role=Role.MANAGER)


def feed_address(client) -> str:
    return FEED_RE.search(client.get("/progress").text).group(1)


def test_due_date_shown_on_outline_and_progress(client, learner, manager, make_cohort):
    due_on = utcnow().date() + timedelta(days=10)
    make_cohort(manager, name="Autumn starters", members=[learner], due_on=due_on)
    for path in ("/", "/progress"):
        page = client.get(path).text
        assert f"Due {day(due_on)}" in page, path
        assert "Autumn starters" in page
        assert "overdue" not in page


def test_past_due_date_says_overdue_until_the_course_is_done(
    client, learner, manager, make_cohort, activity
):
    due_on = utcnow().date() - timedelta(days=2)
    make_cohort(manager, members=[learner], due_on=due_on)
    for path in ("/", "/progress"):
        assert re.search(rf"Due {day(due_on)}</strong> · <span[^>]*>overdue", client.get(path).text)
    activity.everything(learner)
    assert "overdue" not in client.get("/progress").text


def test_no_due_date_without_a_cohort_that_sets_one(client, learner, manager, make_cohort):
    make_cohort(manager, members=[learner])
    assert "<strong>Due " not in client.get("/progress").text


def test_calendar_feed_lists_each_due_date(app, client, learner, manager, make_cohort):
    first, second = date(2031, 3, 14), date(2031, 5, 2)
    make_cohort(manager, name="Spring hires", members=[learner], due_on=second)
    make_cohort(manager, name="Pilot", members=[learner], due_on=first)
    make_cohort(manager, name="Not theirs", due_on=date(2031, 1, 1))
    response = app.test_client().get(feed_address(client))  # no session: a calendar app
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    events = calendar.walk("VEVENT")
    assert [event.decoded("dtstart") for event in events] == [first, second]
    assert all(str(event["summary"]) == "Due: Fixture Course" for event in events)
    assert "Pilot" in str(events[0]["description"])
    assert len({str(event["uid"]) for event in events}) == 2
    # The same uids next time, so the calendar app updates rather than duplicates.
    again = icalendar.Calendar.from_ical(app.test_client().get(feed_address(client)).data)
    assert [str(e["uid"]) for e in again.walk("VEVENT")] == [str(e["uid"]) for e in events]


def test_the_address_stays_the_same_and_a_new_one_kills_the_old(app, client, learner):
    address = feed_address(client)
    assert feed_address(client) == address
    response = post_form(client, "/calendar/renew")
    assert response.status_code == 302
    renewed = feed_address(client)
    assert renewed != address
    stranger = app.test_client()
    assert stranger.get(address).status_code == 404
    assert stranger.get(renewed).status_code == 200


def test_only_a_hash_of_the_token_is_stored(app, client, learner):
    token = feed_address(client).rsplit("/", 1)[1].removesuffix(".ics")
    with app.app_context(), new_session() as session:
        feed = session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == learner.id))
    assert token not in (feed.nonce, feed.token_hash)
    assert feed.token_hash == token_hash(token)
    assert calendar_token(app.secret_key, learner.id, feed.nonce) == token


def test_a_feed_made_under_another_secret_key_is_not_shown_as_working(app, client, learner):
    feed_address(client)
    with app.app_context(), new_session() as session:
        assert current_feed_token(session, app.secret_key, learner.id) is not None
        # Shown under a new key it would be an address that finds nothing: /progress renews it.
        assert current_feed_token(session, "a new secret key", learner.id) is None


@pytest.mark.parametrize(
    "path",
    ["/calendar/nothing.ics", "/calendar/" + "A" * 43 + ".ics", "/calendar/" + "%00" * 43 + ".ics"],
)
def test_wrong_calendar_address_is_a_404(client, path):
    assert client.get(path).status_code == 404


def test_renewing_needs_a_signed_in_learner_and_csrf(app, client, learner):
    assert client.post("/calendar/renew").status_code == 400  # no CSRF token
    assert app.test_client().post("/calendar/renew").status_code in (302, 400)


@pytest.mark.parametrize(
    ("value", "written"),
    [(1, "1 point"), (1.0, "1 point"), (8.0, "8 points"), (0, "0 points"), (2.5, "2.5 points")],
)
def test_points_read_as_words(value, written):
    assert points(value) == written


def test_points_of_a_total():
    assert points(0.5, of=1.0) == "0.5 of 1 point"
    assert points(3.0, of=8.0) == "3 of 8 points"
    assert points(1 / 3, of=2) == "0.33 of 2 points"


def test_attempt_review_prints_points_without_a_needless_decimal(client, learner, activity):
    from tests.conftest import RIGHT

    attempt_id = activity.quiz(learner, RIGHT)
    page = client.get(f"/quizzes/fixture-quiz/attempts/{attempt_id}").text
    assert ".0 point" not in page
    assert re.search(r"\b\d+ of \d+ points\)", page)


def test_dates_read_the_same_everywhere():
    assert day(date(2026, 12, 5)) == "5 Dec 2026"
