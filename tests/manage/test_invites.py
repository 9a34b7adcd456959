"""Creating a cohort, its invite link, joining from it, and sign-up in invite mode."""

import re

import pytest

from course.auth.models import Role, User
from course.db import new_session
from course.membership import Cohort, CohortManager, CohortMember
from tests.conftest import post_form


@pytest.fixture
def manager(make_user, enter_as):
    user = make_user(role=Role.MANAGER, name="Mona Manager")
    enter_as(user)
    return user


def members(app, cohort_id):
    with app.app_context(), new_session() as session:
        return sorted(
            session.scalars(
                CohortMember.__table__.select()
                .with_only_columns(CohortMember.user_id)
                .where(CohortMember.cohort_id == cohort_id)
            )
        )


def invite_code(app, cohort_id):
    with app.app_context(), new_session() as session:
        return session.get(Cohort, cohort_id).invite_code


def test_new_cohort_is_created_with_its_creator_as_manager(client, manager, app):
    page = client.get("/manage/")
    assert "New cohort" in page.text
    response = post_form(
        client,
        "/manage/cohorts/new",
        {"name": "  Support hires, March ", "starts_on": "2026-03-01", "due_on": "2026-04-15"},
    )
    assert response.status_code == 302
    with app.app_context(), new_session() as session:
        cohort = session.query(Cohort).one()
        assert cohort.name == "Support hires, March"
        assert str(cohort.due_on) == "2026-04-15"
        assert [m.user_id for m in session.query(CohortManager)] == [manager.id]
    assert response.headers["Location"] == f"/manage/cohorts/{cohort.id}"
    page = client.get(response.headers["Location"]).text
    assert "Support hires, March" in page
    assert "Export CSV" in page
    assert ">Invite link</button>" in page


def test_new_cohort_refuses_a_due_date_before_the_start(client, manager):
    response = post_form(
        client,
        "/manage/cohorts/new",
        {"name": "Backwards", "starts_on": "2026-03-01", "due_on": "2026-02-01"},
    )
    assert response.status_code == 400
    assert "The due date comes before the start date." in response.text


def test_invite_link_is_a_full_address_and_a_new_one_revokes_the_old(
    client, manager, make_cohort, app
):
    cohort = make_cohort(manager)
    assert "There is no invite link yet" in client.get(f"/manage/cohorts/{cohort.id}").text
    post_form(client, f"/manage/cohorts/{cohort.id}/invite")
    first = invite_code(app, cohort.id)
    page = client.get(f"/manage/cohorts/{cohort.id}").text
    assert f'value="http://localhost/join/{first}" readonly' in page
    assert ">New invite link</button>" in page
    assert "the one above stops working at once" in page
    assert 'data-copy-target="invite-url"' in page
    post_form(client, f"/manage/cohorts/{cohort.id}/invite")
    second = invite_code(app, cohort.id)
    assert second != first
    visitor = app.test_client()
    old = visitor.get(f"/join/{first}")
    assert old.status_code == 404
    assert "This invite link does not work" in old.text
    assert visitor.get(f"/join/{second}").status_code == 200


def test_signed_out_visitor_creates_an_account_and_is_in_the_cohort(make_user, make_cohort, app):
    cohort = make_cohort(make_user(role=Role.MANAGER), invite=True, name="Spring hires")
    code = invite_code(app, cohort.id)
    visitor = app.test_client()
    page = visitor.get(f"/join/{code}").text
    assert "Join “Spring hires”" in page
    assert f'href="/register?next=/join/{code}"' in page
    assert f'href="/login?next=/join/{code}"' in page
    response = post_form(
        visitor,
        "/register",
        {"name": "Nia New", "email": "nia@example.com", "password": "analytical engine 1843"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/join/{code}"
    assert "You are in “Spring hires”" in visitor.get(response.headers["Location"]).text
    with app.app_context(), new_session() as session:
        nia = session.query(User).filter_by(email="nia@example.com").one()
    assert members(app, cohort.id) == [nia.id]


def test_existing_account_signs_in_and_joins_with_one_button(make_user, make_cohort, app, sign_in):
    cohort = make_cohort(make_user(role=Role.MANAGER), invite=True)
    code = invite_code(app, cohort.id)
    learner = make_user(name="Lee Learner")
    visitor = app.test_client()
    visitor.get(f"/join/{code}")
    response = post_form(
        visitor,
        f"/login?next=/join/{code}",
        {"email": learner.email, "password": "correct horse battery staple"},
    )
    assert response.headers["Location"] == f"/join/{code}"
    page = visitor.get(f"/join/{code}").text
    assert "Join the cohort</button>" in page
    assert members(app, cohort.id) == []
    response = post_form(visitor, f"/join/{code}")
    assert response.status_code == 302
    page = visitor.get(response.headers["Location"]).text
    assert "You have joined" in page
    assert "You are in" in page
    assert members(app, cohort.id) == [learner.id]
    # Joining again changes nothing and says so.
    post_form(visitor, f"/join/{code}")
    assert members(app, cohort.id) == [learner.id]
    assert "You are in" in visitor.get(f"/join/{code}").text


def test_invite_mode_lets_only_invited_visitors_sign_up(make_app, make_user, make_cohort):
    app = make_app(REGISTRATION="invite")
    cohort = make_cohort(make_user(role=Role.MANAGER), invite=True)
    code = invite_code(app, cohort.id)
    stranger = app.test_client()
    assert stranger.get("/register").status_code == 403
    invited = app.test_client()
    assert "Create account" in invited.get(f"/join/{code}").text
    assert invited.get("/register").status_code == 200
    response = post_form(
        invited,
        "/register",
        {"name": "Ivy Invited", "email": "ivy@example.com", "password": "analytical engine 1843"},
    )
    assert response.headers["Location"] == f"/join/{code}"
    assert len(members(app, cohort.id)) == 1


def test_invite_mode_refuses_sign_up_once_the_link_is_revoked(
    make_app, make_user, make_cohort, enter_as
):
    app = make_app(REGISTRATION="invite")
    manager = make_user(role=Role.MANAGER)
    cohort = make_cohort(manager, invite=True)
    code = invite_code(app, cohort.id)
    invited = app.test_client()
    invited.get(f"/join/{code}")
    staff = enter_as(manager, on=app.test_client())
    post_form(staff, f"/manage/cohorts/{cohort.id}/invite")
    assert invited.get("/register").status_code == 403


def test_closed_registration_offers_only_sign_in(make_app, make_user, make_cohort):
    app = make_app(REGISTRATION="closed")
    cohort = make_cohort(make_user(role=Role.MANAGER), invite=True)
    visitor = app.test_client()
    page = visitor.get(f"/join/{invite_code(app, cohort.id)}").text.split("<main")[1]
    assert "Create account" not in page
    assert "Sign in</a>" in page
    assert visitor.get("/register").status_code == 403


def test_a_second_manager_must_have_a_manager_account(client, manager, make_user, make_cohort, app):
    cohort = make_cohort(manager)
    make_user(email="learner@example.com")
    colleague = make_user(role=Role.MANAGER, email="colleague@example.com", name="Cal Colleague")
    path = f"/manage/cohorts/{cohort.id}/managers"
    refused = post_form(client, path, {"manager-email": "learner@example.com"})
    assert refused.status_code == 400
    assert "No manager account has that email." in refused.text
    added = post_form(client, path, {"manager-email": "Colleague@Example.com"})
    assert added.status_code == 302
    page = client.get(f"/manage/cohorts/{cohort.id}").text
    assert re.search(r"Managed by Mona Manager, Cal Colleague", page)
    again = post_form(client, path, {"manager-email": "colleague@example.com"})
    assert "already manages this cohort" in again.text
    # The colleague now sees the cohort too.
    with app.app_context(), new_session() as session:
        assert session.query(CohortManager).filter_by(user_id=colleague.id).count() == 1


def test_admin_sees_every_cohort_and_managers_only_theirs(make_user, make_cohort, app, enter_as):
    mona = make_user(role=Role.MANAGER)
    omar = make_user(role=Role.MANAGER)
    make_cohort(mona, name="Mona's cohort")
    make_cohort(omar, name="Omar's cohort")
    admin_page = enter_as(make_user(role=Role.ADMIN), on=app.test_client()).get("/manage/").text
    assert "Mona&#39;s cohort" in admin_page
    assert "Omar&#39;s cohort" in admin_page
    mona_page = enter_as(mona, on=app.test_client()).get("/manage/").text
    assert "Mona&#39;s cohort" in mona_page
    assert "Omar&#39;s cohort" not in mona_page


def test_manage_link_shows_for_managers_only(client, make_user, app, enter_as):
    learner_page = enter_as(make_user(), on=app.test_client()).get("/").text
    assert 'href="/manage/"' not in learner_page
    manager_page = enter_as(make_user(role=Role.MANAGER), on=app.test_client()).get("/").text
    assert 'href="/manage/">Manage</a>' in manager_page
