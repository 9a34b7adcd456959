"""Removing a learner asks first, says what is kept, and can be undone for 30 days."""

from datetime import timedelta

import pytest

from course.auth.models import Role
from course.db import new_session, utcnow
from course.manage.removals import remove_from_cohort
from tests.conftest import RIGHT, post_form


@pytest.fixture
def manager(make_user):
    return make_user(role=Role.MANAGER)


@pytest.fixture
def learner(make_user):
    return make_user(name="Rita Removed")


@pytest.fixture
def cohort(make_cohort, manager, learner):
    return make_cohort(manager, members=[learner], joined_at=utcnow() - timedelta(days=20))


def test_removing_asks_first_then_can_be_undone(app, cohort, manager, learner, activity, enter_as):
    activity.lessons(learner, "welcome", "roles")
    activity.quiz(learner, RIGHT)
    boss = enter_as(manager, on=app.test_client())
    people = boss.get(f"/manage/cohorts/{cohort.id}/people").text
    remove_path = f"/manage/cohorts/{cohort.id}/learners/{learner.id}/remove"
    assert f'href="{remove_path}"' in people

    confirm = boss.get(remove_path)
    assert confirm.status_code == 200
    assert "Remove Rita Removed from “Spring hires”?" in confirm.text
    assert "2 lessons, 1 quiz attempt and 0 scenario runs" in confirm.text
    assert "For 30 days you can undo this" in confirm.text
    learner_page = f"/manage/cohorts/{cohort.id}/learners/{learner.id}"
    assert boss.get(learner_page).status_code == 200  # asking removed nobody

    removed = post_form(boss, remove_path)
    assert removed.status_code == 302
    people = boss.get(removed.headers["Location"]).text
    assert "Rita Removed is no longer in “Spring hires”" in people
    assert "Recently removed" in people
    assert boss.get(learner_page).status_code == 404
    assert "Rita Removed" not in boss.get(f"/manage/cohorts/{cohort.id}").text

    undo_path = next(
        line.split('action="')[1].split('"')[0] for line in people.splitlines() if "/undo" in line
    )
    undone = post_form(boss, undo_path)
    assert undone.status_code == 302
    people = boss.get(undone.headers["Location"]).text
    assert "Rita Removed is back in “Spring hires”" in people
    assert "Recently removed" not in people
    joined = (utcnow() - timedelta(days=20)).date()
    assert f"<td>{joined.day} {joined:%b %Y}</td>" in people  # as they first joined
    page = boss.get(learner_page)
    assert page.status_code == 200
    assert "Fixture Quiz, attempt 1" in page.text  # their records were kept
    assert post_form(boss, undo_path).status_code == 404  # done once only


def test_the_undo_is_gone_after_30_days(app, cohort, manager, learner, enter_as):
    with app.app_context(), new_session(write=True) as session:
        removal = remove_from_cohort(
            session,
            cohort_id=cohort.id,
            user_id=learner.id,
            removed_by=manager.id,
            now=utcnow() - timedelta(days=30, minutes=1),
        )
        session.commit()
        removal_id = removal.id
    boss = enter_as(manager, on=app.test_client())
    people = boss.get(f"/manage/cohorts/{cohort.id}/people").text
    assert "Recently removed" not in people
    undo = post_form(boss, f"/manage/cohorts/{cohort.id}/removals/{removal_id}/undo")
    assert undo.status_code == 404


def test_another_manager_cannot_undo(app, cohort, manager, learner, make_user, enter_as):
    with app.app_context(), new_session(write=True) as session:
        removal = remove_from_cohort(
            session, cohort_id=cohort.id, user_id=learner.id, removed_by=manager.id, now=utcnow()
        )
        session.commit()
        removal_id = removal.id
    other = enter_as(make_user(role=Role.MANAGER), on=app.test_client())
    undo = post_form(other, f"/manage/cohorts/{cohort.id}/removals/{removal_id}/undo")
    assert undo.status_code == 404
