"""Reminders by mail: due soon, overdue and inactive learners, managers' digests, each once."""

from datetime import timedelta

import pytest

from course.auth.models import Role
from course.db import new_session, utcnow
from course.membership import Cohort
from tests.conftest import mail_link, post_form


@pytest.fixture
def manager(make_user):
    return make_user(role=Role.MANAGER, name="Mona Manager", email="mona@example.com")


@pytest.fixture
def people(make_user, activity):
    ada = make_user(name="Ada Behind", email="ada@example.com")
    ben = make_user(name="Ben Done", email="ben@example.com")
    activity.everything(ben)
    return ada, ben


def remind(app, *args):
    return app.test_cli_runner().invoke(args=["remind", *args])


def test_learners_not_finished_are_reminded_before_the_due_date_once(
    mail_app, mail_server, manager, people, make_cohort
):
    ada, ben = people
    today = utcnow().date()
    make_cohort(manager, name="Spring hires", members=[ada, ben], due_on=today + timedelta(days=3))
    result = remind(mail_app)
    assert result.exit_code == 0, result.output
    [reminder] = mail_server.to("ada@example.com")
    assert reminder["Subject"] == "“Spring hires” is due soon"
    text = reminder.get_body(("plain",)).get_content()
    assert "in 3 days" in text
    assert mail_link(reminder) == "https://learn.example.com/"
    assert mail_server.to("ben@example.com") == []  # finished: left alone
    [digest] = mail_server.to("mona@example.com")
    assert digest["Subject"] == "1 at risk in “Spring hires”"
    digest_text = digest.get_body(("plain",)).get_content()
    assert "Ada Behind <ada@example.com>, 0% done: 0% done, due in 3 days" in digest_text
    assert "Ben Done" not in digest_text
    assert "queued\tada@example.com\tSpring hires\tdue-3" in result.output
    assert "2 mails sent; 0 still queued." in result.output

    again = remind(mail_app)
    assert again.exit_code == 0, again.output
    assert "0 mails sent" in again.output
    assert len(mail_server.received) == 2


def test_the_day_before_and_after_the_due_date_each_get_their_own_reminder(
    mail_app, mail_server, manager, people, make_cohort, app
):
    ada, _ben = people
    today = utcnow().date()
    cohort = make_cohort(manager, members=[ada], due_on=today + timedelta(days=3))
    remind(mail_app)
    for due_on in (today + timedelta(days=1), today):
        with mail_app.app_context(), new_session(write=True) as session:
            session.get(Cohort, cohort.id).due_on = due_on
            session.commit()
        remind(mail_app)
    # Moving the due date is a new date: each date's reminder once.
    assert [mail["Subject"] for mail in mail_server.to("ada@example.com")] == [
        "“Spring hires” is due soon"
    ] * 3
    with mail_app.app_context(), new_session(write=True) as session:
        session.get(Cohort, cohort.id).due_on = today - timedelta(days=1)
        session.commit()
    remind(mail_app)
    remind(mail_app)
    overdue = mail_server.to("ada@example.com")[3:]
    assert [mail["Subject"] for mail in overdue] == ["“Spring hires” is overdue"]
    assert "1 day ago" in overdue[0].get_body(("plain",)).get_content()


def test_a_learner_inactive_for_two_weeks_is_reminded_once(
    mail_app, mail_server, manager, make_user, make_cohort, activity
):
    idle = make_user(name="Ida Idle", email="ida@example.com")
    recent = make_user(name="Rex Recent", email="rex@example.com")
    long_ago = utcnow() - timedelta(days=20)
    activity.lessons(idle, "welcome", at=long_ago)
    activity.lessons(recent, "welcome", at=utcnow() - timedelta(days=13))
    make_cohort(manager, members=[idle, recent], joined_at=long_ago)
    remind(mail_app)
    remind(mail_app)
    [mail] = mail_server.to("ida@example.com")
    assert "no activity for 20 days" in mail.get_body(("plain",)).get_content()
    assert mail_server.to("rex@example.com") == []


def test_dry_run_prints_what_would_be_sent_and_sends_nothing(
    mail_app, mail_server, manager, people, make_cohort
):
    ada, ben = people
    make_cohort(manager, name="Spring hires", members=[ada, ben], due_on=utcnow().date())
    dry = remind(mail_app, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would send\tada@example.com\tSpring hires\tdue-1" in dry.output
    assert "would send\tmona@example.com\tSpring hires\tdigest: 1 at risk" in dry.output
    assert "ben@example.com" not in dry.output
    assert mail_server.received == []
    assert remind(mail_app, "--dry-run").output == dry.output  # nothing was recorded
    remind(mail_app)
    assert len(mail_server.received) == 2
    assert "would send" not in remind(mail_app, "--dry-run").output


def test_remind_says_which_setting_is_missing(make_app, mail_server):
    without_base = make_app(SMTP_URL=mail_server.url)
    result = remind(without_base)
    assert result.exit_code == 1
    assert "COURSE_BASE_URL is not set" in result.output
    assert "Traceback" not in result.output
    without_smtp = make_app(BASE_URL="https://learn.example.com")
    result = remind(without_smtp)
    assert result.exit_code == 1
    assert "COURSE_SMTP_URL is not set" in result.output


def test_remind_with_the_server_down_keeps_the_mail_for_later(
    mail_app, mail_server, manager, people, make_cohort
):
    ada, _ben = people
    make_cohort(manager, members=[ada], due_on=utcnow().date())
    mail_server.stop()
    result = remind(mail_app)
    assert result.exit_code == 1
    assert "tried again later" in result.output
    assert "Traceback" not in result.output
    mail_server.start()
    assert remind(mail_app, "--dry-run").output.count("would send") == 0  # recorded once


def test_send_reminders_mails_those_not_finished_once_a_day(
    mail_app, mail_server, manager, people, make_cohort, enter_as
):
    ada, _ben = people
    cohort = make_cohort(manager, members=people)
    client = enter_as(manager, on=mail_app.test_client())
    page = client.get(f"/manage/cohorts/{cohort.id}").text
    assert ">Send reminders</button>" in page
    first = post_form(client, f"/manage/cohorts/{cohort.id}/reminders", follow_redirects=True)
    assert "Reminders sent to 1 learner not finished." in first.text
    [mail] = mail_server.received
    assert mail["To"] == ada.email
    second = post_form(client, f"/manage/cohorts/{cohort.id}/reminders", follow_redirects=True)
    assert "Reminders sent to 0 learners not finished. 1 had one today already" in second.text
    assert len(mail_server.received) == 1


def test_send_reminders_without_mail_says_so(client, manager, people, make_cohort, enter_as):
    cohort = make_cohort(manager, members=people)
    enter_as(manager)
    response = post_form(client, f"/manage/cohorts/{cohort.id}/reminders", follow_redirects=True)
    assert "This site sends no mail" in response.text
