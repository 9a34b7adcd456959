"""Invitations: a manager adds an email that has an account; its owner accepts or declines.

Until the learner accepts, the cohort's managers see the email and "invited", and no
report counts them.
"""

import json
import re

import pytest

from course.auth.models import Role, User
from course.db import new_session
from course.membership import Cohort, CohortMember
from tests.conftest import PASSWORD, post_form


@pytest.fixture
def manager(make_user):
    return make_user(role=Role.MANAGER, name="Mona Manager")


@pytest.fixture
def learner(make_user, activity):
    """A learner with a whole course record, made before anyone invites them."""
    user = make_user(email="lea@example.com", name="Lea Learner")
    activity.everything(user)
    return user


@pytest.fixture
def cohort(manager, make_cohort):
    return make_cohort(manager, name="Autumn hires", invite=True)


@pytest.fixture
def manager_client(app, manager, enter_as):
    return enter_as(manager, on=app.test_client())


def invite(manager_client, cohort, text):
    response = post_form(
        manager_client, f"/manage/cohorts/{cohort.id}/people/add", {"add-people": text}
    )
    assert response.status_code == 200
    return response


def sign_in_form(client, user, path="/login"):
    response = post_form(client, path, {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response.headers["Location"]


def test_the_learner_is_asked_at_sign_in_and_accepting_shows_their_records(
    client, manager_client, cohort, learner
):
    invite(manager_client, cohort, learner.email)
    learner_page = f"/manage/cohorts/{cohort.id}/learners/{learner.id}"
    assert manager_client.get(learner_page).status_code == 404

    assert sign_in_form(client, learner) == "/invitations"
    page = client.get("/invitations").text
    assert "“Autumn hires”" in page
    assert "Mona Manager invited you on" in page
    assert "including everything you did before joining" in page
    assert 'Accept<span class="visually-hidden"> the invitation to “Autumn hires”' in page
    assert 'Decline<span class="visually-hidden"> the invitation to “Autumn hires”' in page

    # Without the form's CSRF token nothing happens.
    assert client.post(f"/invitations/{cohort.id}/accept").status_code == 400
    assert manager_client.get(learner_page).status_code == 404

    accepted = post_form(client, f"/invitations/{cohort.id}/accept")
    assert accepted.headers["Location"] == "/"
    assert "You have joined “Autumn hires”." in client.get("/").text
    assert "No invitations are waiting for you." in client.get("/invitations").text
    # Their whole course record, from before they joined too, as the invitation said.
    assert manager_client.get(learner_page).status_code == 200
    assert "Lea Learner" in manager_client.get(f"/manage/cohorts/{cohort.id}").text
    # Answered once: a second answer finds no invitation.
    assert post_form(client, f"/invitations/{cohort.id}/accept").status_code == 404


def test_declining_leaves_the_manager_nothing(client, manager_client, cohort, learner, app):
    invite(manager_client, cohort, learner.email)
    people = f"/manage/cohorts/{cohort.id}/people"
    assert "lea@example.com" in manager_client.get(people).text
    sign_in_form(client, learner)
    declined = post_form(client, f"/invitations/{cohort.id}/decline")
    assert declined.headers["Location"] == "/"
    assert "You declined “Autumn hires”." in client.get("/").text
    assert "lea@example.com" not in manager_client.get(people).text
    assert manager_client.get(f"/manage/cohorts/{cohort.id}/learners/{learner.id}").status_code
    with app.app_context(), new_session() as session:
        assert session.query(CohortMember).filter_by(user_id=learner.id).count() == 0
    # Signing in again asks nothing.
    assert sign_in_form(app.test_client(), learner) == "/"


def test_the_page_asked_for_comes_after_the_invitations(client, manager_client, cohort, learner):
    invite(manager_client, cohort, learner.email)
    where = sign_in_form(client, learner, "/login?next=/lessons/welcome")
    assert where == "/invitations?next=/lessons/welcome"
    accepted = post_form(client, f"/invitations/{cohort.id}/accept?next=/lessons/welcome")
    assert accepted.headers["Location"] == "/lessons/welcome"
    # Another site is never where one goes next.
    assert 'href="/"' in client.get("/invitations?next=//evil.example").text


def test_the_reply_reads_the_same_for_an_email_with_an_account_and_one_without(
    manager_client, manager, make_cohort, learner
):
    def reply(text):
        page = invite(manager_client, make_cohort(manager), text).text
        return re.search(r"<h1>.*?</ul>\s*<p>.*?</p>", page, re.S).group(0)

    assert reply(learner.email) == reply("Noor New, noor@example.com")
    assert "Invited: <strong>1</strong>" in reply("Other New, other@example.com")


def test_reports_count_only_learners_who_joined(
    manager_client, cohort, learner, runner, client, make_user, activity
):
    member = make_user(name="Mel Member")
    activity.lessons(member, "welcome")
    invite(manager_client, cohort, f"{learner.email}\n{member.email}")
    sign_in_form(client, member)
    post_form(client, f"/invitations/{cohort.id}/accept")
    base = f"/manage/cohorts/{cohort.id}"

    def reports():
        return {
            "index": re.search(
                r"Autumn hires</a></th>\s*<td>(\d+)</td>", manager_client.get("/manage/").text
            ).group(1),
            "cohort": re.search(
                r"<strong>(\d+)</strong> learners", manager_client.get(base).text
            ).group(1),
            "csv": manager_client.get(base + "/export.csv").text.count("@example.com"),
            "quiz": "0 attempts by 0 learners"
            in manager_client.get(base + "/quizzes/fixture-quiz").text,
            "xapi": {
                json.loads(line)["actor"]["mbox"]
                for line in runner.invoke(
                    args=["export", "xapi", "--cohort", str(cohort.id)]
                ).stdout.splitlines()
            },
        }

    assert reports() == {
        "index": "1",
        "cohort": "1",
        "csv": 1,
        "quiz": True,
        "xapi": {f"mailto:{member.email}"},
    }
    people = manager_client.get(base + "/people").text
    assert "Mel Member" in people
    assert "Lea Learner" not in people
    assert re.search(r"lea@example.com</th>\s*<td>Invited \d", people)
    # Searching by an invited learner's own name finds nothing: it is not yet shown.
    assert "lea@example.com" not in manager_client.get(base + "/people?find=Learner").text

    learner_client = client.application.test_client()
    sign_in_form(learner_client, learner)
    post_form(learner_client, f"/invitations/{cohort.id}/accept")
    assert reports() == {
        "index": "2",
        "cohort": "2",
        "csv": 2,
        "quiz": False,
        "xapi": {f"mailto:{member.email}", f"mailto:{learner.email}"},
    }


def test_an_invite_link_is_the_learners_own_act_and_accepts(
    client, manager_client, cohort, learner, app
):
    invite(manager_client, cohort, learner.email)
    sign_in_form(client, learner)
    with app.app_context(), new_session() as session:
        code = session.get(Cohort, cohort.id).invite_code
    assert "Join the cohort" in client.get(f"/join/{code}").text
    post_form(client, f"/join/{code}")
    assert manager_client.get(f"/manage/cohorts/{cohort.id}/learners/{learner.id}").status_code == (
        200
    )
    assert "No invitations are waiting for you." in client.get("/invitations").text


def test_setting_a_password_leads_to_invitations_made_meanwhile(
    client, manager_client, manager, make_cohort, make_user, enter_as, app
):
    first = make_cohort(manager, name="First")
    made = invite(manager_client, first, "Nia New, nia@example.com").text
    [link] = re.findall(r'value="http://localhost(/set-password/[^"]+)" readonly', made)
    other_manager = make_user(role=Role.MANAGER, name="Olga Other")
    second = make_cohort(other_manager, name="Second")
    invite(enter_as(other_manager, on=app.test_client()), second, "nia@example.com")
    good = "a sturdy passphrase 9"
    response = post_form(client, link, {"password": good, "confirm": good})
    assert response.headers["Location"] == "/invitations"
    page = client.get("/invitations").text
    assert "“Second”" in page
    assert "Olga Other invited you" in page
    assert "“First”" not in page  # the account was made for it: in it from the start
    with app.app_context(), new_session() as session:
        nia = session.query(User).filter_by(email="nia@example.com").one()
        rows = {row.cohort_id: row for row in session.query(CohortMember).filter_by(user_id=nia.id)}
        assert rows[first.id].joined_at is not None
        assert rows[first.id].created_account
        assert rows[first.id].invited_by_id == manager.id
        assert rows[second.id].joined_at is None
        assert rows[second.id].invited_by_id == other_manager.id
        assert rows[second.id].invited_at is not None


def test_a_colleagues_link_is_never_replaced_silently(
    manager_client, manager, cohort, make_user, enter_as, app
):
    made = invite(manager_client, cohort, "Nia New, nia@example.com").text
    [first] = re.findall(r'value="http://localhost(/set-password/[^"]+)" readonly', made)
    colleague = make_user(role=Role.MANAGER, name="Cal Colleague", email="cal@example.com")
    post_form(
        manager_client,
        f"/manage/cohorts/{cohort.id}/managers",
        {"manager-email": "cal@example.com"},
    )
    with app.app_context(), new_session() as session:
        nia = session.query(User).filter_by(email="nia@example.com").one()
    people = manager_client.get(f"/manage/cohorts/{cohort.id}/people").text
    assert "A new set-password link replaces the learner's earlier one" in people
    colleague_client = enter_as(colleague, on=app.test_client())
    response = post_form(
        colleague_client, f"/manage/cohorts/{cohort.id}/learners/{nia.id}/password-link"
    )
    assert "The earlier link for Nia New stops working now." in response.text
    assert "Mona Manager made it on" in response.text
    assert app.test_client().get(first).status_code == 404
