"""Set-password links and invitations by mail, or on the page and as CSV without mail."""

import io
import re
from urllib.parse import unquote

import pytest
from sqlalchemy import update

from course.auth.models import Role
from course.db import new_session, utcnow
from course.mail.models import OutboxMail
from tests.conftest import mail_link, post_form


@pytest.fixture
def manager(make_user):
    return make_user(role=Role.MANAGER)


def test_every_learner_of_a_500_row_roster_gets_their_link_by_mail(
    mail_app, mail_server, manager, make_cohort, enter_as
):
    client = enter_as(manager, on=mail_app.test_client())
    cohort = make_cohort(manager, name="Big intake")
    roster = "name,email\n" + "".join(f"Learner {n},learner{n}@example.com\n" for n in range(500))
    response = post_form(
        client,
        f"/manage/cohorts/{cohort.id}/people/import",
        {"roster-roster": (io.BytesIO(roster.encode()), "roster.csv")},
    )
    assert response.status_code == 200
    assert "/set-password/" not in response.text  # nothing to copy by hand
    # Most often all go out before the page answers; on a slow machine the
    # page's time runs out first, and the rest wait for `course remind`.
    sent = int(re.search(r"(\d+) mails? sent", response.text).group(1))
    assert len(mail_server.received) == sent
    if sent < 500:
        assert f"{500 - sent} mails are queued" in response.text
        assert mail_app.test_cli_runner().invoke(args=["remind"]).exit_code == 0
    assert sorted(mail["To"] for mail in mail_server.received) == sorted(
        f"learner{n}@example.com" for n in range(500)
    )
    mail = mail_server.to("learner7@example.com")[0]
    assert mail["Subject"] == "You are invited to “Big intake”"
    link = mail_link(mail)
    assert link.startswith("https://learn.example.com/set-password/")
    assert link in mail.get_body(("html",)).get_content()
    page = mail_app.test_client().get(link.removeprefix("https://learn.example.com"))
    assert page.status_code == 200
    assert "Learner 7" in page.text


def test_existing_accounts_invited_get_a_mail_to_sign_in_and_answer(
    mail_app, mail_server, manager, make_cohort, make_user, enter_as
):
    known = make_user(email="kim@example.com", name="Kim Known")
    client = enter_as(manager, on=mail_app.test_client())
    cohort = make_cohort(manager)
    post_form(client, f"/manage/cohorts/{cohort.id}/people/add", {"add-people": known.email})
    [mail] = mail_server.to("kim@example.com")
    assert "You are invited to" in mail["Subject"]
    assert mail_link(mail) == "https://learn.example.com/login"


def test_with_the_mail_server_down_the_links_are_queued_and_sent_when_it_is_back(
    mail_app, mail_server, manager, make_cohort, enter_as
):
    client = enter_as(manager, on=mail_app.test_client())
    cohort = make_cohort(manager)
    mail_server.stop()
    response = post_form(
        client,
        f"/manage/cohorts/{cohort.id}/people/add",
        {"add-people": "ada@example.com\nben@example.com"},
    )
    assert response.status_code == 200
    assert "2 mails are queued" in response.text
    mail_server.start()
    with mail_app.app_context(), new_session(write=True) as session:
        session.execute(update(OutboxMail).values(next_try_at=utcnow()))
        session.commit()
    result = mail_app.test_cli_runner().invoke(args=["remind"])
    assert result.exit_code == 0, result.output
    assert sorted(mail["To"] for mail in mail_server.received) == [
        "ada@example.com",
        "ben@example.com",
    ]


def test_a_new_set_password_link_is_mailed_and_the_old_one_stops_working(
    mail_app, mail_server, manager, make_cohort, enter_as
):
    client = enter_as(manager, on=mail_app.test_client())
    cohort = make_cohort(manager)
    post_form(client, f"/manage/cohorts/{cohort.id}/people/add", {"add-people": "ada@example.com"})
    first = mail_link(mail_server.received[0])
    people = client.get(f"/manage/cohorts/{cohort.id}/people").text
    assert "no password yet" in people
    user_id = re.search(r"/learners/(\d+)/password-link", people).group(1)
    response = post_form(client, f"/manage/cohorts/{cohort.id}/learners/{user_id}/password-link")
    assert response.status_code == 200
    assert "1 mail sent" in response.text
    second_mail = mail_server.received[1]
    assert second_mail["Subject"].startswith("A new link to set your password")
    visitor = mail_app.test_client()
    assert visitor.get(first.removeprefix("https://learn.example.com")).status_code == 404
    second = mail_link(second_mail).removeprefix("https://learn.example.com")
    assert visitor.get(second).status_code == 200


def test_without_mail_the_links_are_on_the_page_and_in_a_csv(
    app, mail_server, manager, make_cohort, enter_as, client
):
    enter_as(manager)
    cohort = make_cohort(manager)
    response = post_form(
        client,
        f"/manage/cohorts/{cohort.id}/people/add",
        {"add-people": "Ada Lovelace, ada@example.com\n=cmd, eve@example.com"},
    )
    links = re.findall(r'value="(http://localhost/set-password/[^"]+)" readonly', response.text)
    assert len(links) == 2
    address = re.search(r'href="(data:text/csv[^"]+)" download', response.text).group(1)
    lines = unquote(address.split(",", 1)[1]).lstrip("\ufeff").splitlines()
    assert lines[0] == "name,email,link"
    assert f"Ada Lovelace,ada@example.com,{links[0]}" in lines
    assert f"'=cmd,eve@example.com,{links[1]}" in lines  # a name never runs as a formula
    assert mail_server.received == []
