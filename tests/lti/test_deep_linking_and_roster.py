"""Placing the course in an LMS (deep linking) and filling its cohort from the LMS roster."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select

from course.auth.models import Role, User
from course.db import new_session
from course.lti.models import LtiAccount
from course.membership import CohortManager, CohortMember
from tests.conftest import post_form
from tests.lti.platform import INSTRUCTOR, LEARNER


def test_an_instructor_places_one_item_and_the_lms_takes_the_signed_answer(
    client, platform, launch
):
    response = launch("http://localhost/lti/launch", deep_link=True, sub="t", roles=[INSTRUCTOR])
    assert response.status_code == 302
    picker = client.get(response.headers["Location"])
    assert picker.status_code == 200
    assert "The whole course" in picker.text
    assert 'value="quiz:fixture-quiz"' in picker.text
    answer = post_form(client, "/lti/deep-link", {"item": "quiz:fixture-quiz"})
    assert answer.status_code == 200
    # The form goes to the platform's return address; its button works without script.
    assert f'action="{platform.base}/deep-link-return"' in answer.text
    assert "Return to the LMS" in answer.text
    assert f"form-action 'self' {platform.base}" in answer.headers["Content-Security-Policy"]
    jwt = unescape(re.search(r'name="JWT" value="([^"]+)"', answer.text).group(1))
    [item] = platform.take_deep_link(jwt)
    assert item["type"] == "ltiResourceLink"
    assert item["url"] == "http://localhost/quizzes/fixture-quiz"
    # The placement is spent: posting again finds nothing waiting.
    assert post_form(client, "/lti/deep-link", {"item": "course"}).status_code == 404


def test_the_whole_course_can_be_placed(client, platform, launch):
    launch("http://localhost/lti/launch", deep_link=True, sub="t", roles=[INSTRUCTOR])
    answer = post_form(client, "/lti/deep-link", {"item": "course"})
    jwt = unescape(re.search(r'name="JWT" value="([^"]+)"', answer.text).group(1))
    [item] = platform.take_deep_link(jwt)
    assert item["url"] == "http://localhost/"


def test_a_learner_cannot_place_the_course(client, platform, launch):
    response = launch("http://localhost/lti/launch", deep_link=True)
    assert response.status_code == 403
    assert client.get("/lti/deep-link").status_code in (302, 404)


def test_update_roster_from_lms_fills_the_cohort_without_mail(app, client, platform, launch):
    launch("http://localhost/", sub="teacher", roles=[INSTRUCTOR], name="Tess Teacher")
    with app.app_context(), new_session() as session:
        cohort_id = session.scalar(select(CohortManager.cohort_id))
    platform.members = [
        {"user_id": "s1", "roles": [LEARNER], "name": "Sam One", "email": "sam@lms.example"},
        {"user_id": "s2", "roles": [LEARNER], "name": "Sue Two"},
        {"user_id": "gone", "roles": [LEARNER], "name": "Gone", "status": "Inactive"},
        {"user_id": "teacher", "roles": [INSTRUCTOR], "name": "Tess Teacher"},
    ]
    page = client.get(f"/manage/cohorts/{cohort_id}")
    assert "Update roster from LMS" in page.text
    response = post_form(client, f"/lti/cohorts/{cohort_id}/roster")
    assert response.status_code == 302
    assert "2 learners, 1 managers" in client.get(response.headers["Location"]).text
    with app.app_context(), new_session() as session:
        members = session.scalars(
            select(User.name)
            .join(CohortMember, CohortMember.user_id == User.id)
            .where(CohortMember.cohort_id == cohort_id, CohortMember.joined_at.is_not(None))
        ).all()
        links = session.scalars(select(LtiAccount.subject)).all()
    assert sorted(members) == ["Sam One", "Sue Two"]
    assert sorted(links) == ["s1", "s2", "teacher"]  # the instructor kept one account
    # A learner from the roster who launches later is the same account.
    launch("http://localhost/lessons/welcome", sub="s1", name="Sam One")
    with app.app_context(), new_session() as session:
        assert session.scalar(select(User.id).where(User.name == "Sam One")) is not None
        assert len(session.scalars(select(User)).all()) == 3


def test_the_roster_button_is_only_on_lms_cohorts(client, make_user, make_cohort, enter_as):
    manager = make_user(role=Role.MANAGER)
    cohort = make_cohort(manager)
    enter_as(manager)
    assert "Update roster from LMS" not in client.get(f"/manage/cohorts/{cohort.id}").text
    assert post_form(client, f"/lti/cohorts/{cohort.id}/roster").status_code == 404


def test_an_lms_that_does_not_answer_leaves_a_message(app, client, platform, launch):
    launch("http://localhost/", sub="teacher", roles=[INSTRUCTOR])
    with app.app_context(), new_session() as session:
        cohort_id = session.scalar(select(CohortManager.cohort_id))
    platform.is_down = True
    response = post_form(client, f"/lti/cohorts/{cohort_id}/roster", follow_redirects=True)
    assert response.status_code == 200
    assert "did not give its list of participants" in response.text
