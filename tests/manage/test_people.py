"""Adding learners by email or roster, removing them, and one-time set-password links."""

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from course.auth.accounts import token_hash
from course.auth.models import PasswordToken, Role, User
from course.db import new_session, utcnow
from course.manage.cohorts import join_cohort
from course.manage.roster import MAX_BYTES, MAX_ROWS, RosterError, parse_people
from course.membership import CohortMember
from course.progress.models import LessonProgress
from tests.conftest import csrf_token, post_form

NAME_MESSAGE = "Use letters, digits, spaces and punctuation only."


@pytest.fixture
def manager(make_user, enter_as):
    user = make_user(role=Role.MANAGER)
    enter_as(user)
    return user


@pytest.fixture
def cohort(manager, make_cohort):
    return make_cohort(manager)


def member_emails(app, cohort_id):
    with app.app_context(), new_session() as session:
        return sorted(
            session.scalars(
                User.__table__.select()
                .with_only_columns(User.email)
                .join(CohortMember, CohortMember.user_id == User.id)
                .where(CohortMember.cohort_id == cohort_id)
            )
        )


def set_password_links(page: str) -> list[str]:
    return re.findall(r'value="(http://localhost/set-password/[^"]+)" readonly', page)


def test_adding_by_email_invites_existing_accounts_and_creates_new_ones(
    client, cohort, make_user, app
):
    make_user(email="known@example.com", name="Kim Known")
    response = post_form(
        client,
        f"/manage/cohorts/{cohort.id}/people/add",
        {"add-people": "KNOWN@example.com\nAda Lovelace, ada@example.com\ngrace.hopper@x.org"},
    )
    assert response.status_code == 200
    page = response.text
    assert "Invited: <strong>3</strong>" in page  # existing and new accounts counted alike
    assert "Kim Known" not in page  # an account's name is its owner's to share
    links = set_password_links(page)
    assert len(links) == 2
    assert "Ada Lovelace (ada@example.com)" in page
    assert "Grace Hopper (grace.hopper@x.org)" in page  # a name from the email
    assert member_emails(app, cohort.id) == [
        "ada@example.com",
        "grace.hopper@x.org",
        "known@example.com",
    ]
    with app.app_context(), new_session() as session:
        ada = session.query(User).filter_by(email="ada@example.com").one()
        assert ada.password_hash is None
        assert ada.role == Role.LEARNER
        stored = session.query(PasswordToken).filter_by(user_id=ada.id).one()
    tokens = {link.rsplit("/", 1)[1] for link in links}
    assert stored.token_hash not in tokens  # only a hash is kept
    assert stored.token_hash in {token_hash(token) for token in tokens}
    # Adding the same people again reports them as already in.
    again = post_form(
        client, f"/manage/cohorts/{cohort.id}/people/add", {"add-people": "ada@example.com"}
    )
    assert "Already in the cohort or invited: <strong>1</strong>" in again.text
    assert set_password_links(again.text) == []


def test_bad_rows_are_a_400_with_their_row_numbers(client, cohort, app):
    response = post_form(
        client,
        f"/manage/cohorts/{cohort.id}/people/add",
        {"add-people": "Ada, ada@example.com\nBob, bob@\n\nCy, \n"},
    )
    assert response.status_code == 400
    assert "Row 2: &#39;bob@&#39; is not an email address." in response.text
    assert "Row 4: no email." in response.text
    assert member_emails(app, cohort.id) == []  # nothing is added from a list with errors


def test_roster_import_reads_name_email_with_or_without_header(client, cohort, app):
    roster = "\ufeffName,Email\r\nAda Lovelace,ada@example.com\r\nAlan Turing,alan@example.com\r\n"
    response = post_form(
        client,
        f"/manage/cohorts/{cohort.id}/people/import",
        {"roster-roster": (io.BytesIO(roster.encode()), "roster.csv")},
    )
    assert response.status_code == 200
    assert len(set_password_links(response.text)) == 2
    headless = "Joan Clarke,joan@example.com\n"
    post_form(
        client,
        f"/manage/cohorts/{cohort.id}/people/import",
        {"roster-roster": (io.BytesIO(headless.encode()), "roster.csv")},
    )
    assert member_emails(app, cohort.id) == [
        "ada@example.com",
        "alan@example.com",
        "joan@example.com",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,email\nAda,not-an-email\n", "Row 2: &#39;not-an-email&#39; is not an email"),
        (b"\xff\xfe\x00bad", "The file is not UTF-8 text"),
        (b"x" * (MAX_BYTES + 1), "The file is larger than 100 KB"),
        (b"name,email\n", "The list is empty"),
        (b"Ada,ada@example.com,extra\n", "Row 1: 3 columns; use two, name and email."),
    ],
)
def test_bad_rosters_are_refused_with_a_message(client, cohort, app, content, message):
    response = post_form(
        client,
        f"/manage/cohorts/{cohort.id}/people/import",
        {"roster-roster": (io.BytesIO(content), "roster.csv")},
    )
    assert response.status_code == 400
    assert message in response.text
    assert member_emails(app, cohort.id) == []


@pytest.mark.parametrize(
    "roster",
    [
        b"name,email\rAda Mac,adamac@example.com\rGrace Mac,gracemac@example.com\r",
        b"name,email\r\nAda Mac,adamac@example.com\r\nGrace Mac,gracemac@example.com\r\n",
        b"\xef\xbb\xbfAda Mac,adamac@example.com\nGrace Mac,gracemac@example.com",
    ],
    ids=["mac", "windows", "bom"],
)
def test_a_roster_is_read_whatever_its_line_endings(client, cohort, app, roster):
    response = post_form(
        client,
        f"/manage/cohorts/{cohort.id}/people/import",
        {"roster-roster": (io.BytesIO(roster), "roster.csv")},
    )
    assert response.status_code == 200
    assert "Ada Mac (adamac@example.com)" in response.text
    assert member_emails(app, cohort.id) == ["adamac@example.com", "gracemac@example.com"]


@pytest.mark.parametrize(
    ("people", "status", "message"),
    [
        ("Ada Mac,adamac@example.com\rGrace,grace@example.com\r", 200, ""),
        ("Ada Mac,adamac@example.com\r\nGrace,grace@example.com\r\n", 200, ""),
        ("\ufeffname,email\r\nAda Mac,adamac@example.com\r\nGrace,grace@example.com", 200, ""),
        # A lone carriage return ends a row, as in a spreadsheet: the name is cut off.
        ("Ada\rMac,adamac@example.com\n", 400, "Row 1: no email."),
        ('"Ada\rMac",adamac@example.com\n', 400, NAME_MESSAGE),
        ("Ada\tMac,adamac@example.com", 400, NAME_MESSAGE),
        ("Ada\x1b[31mMac,adamac@example.com", 400, NAME_MESSAGE),
        ("Ada\x7f,adamac@example.com", 400, NAME_MESSAGE),
        ("Ada\x85Mac,adamac@example.com", 400, NAME_MESSAGE),
    ],
)
def test_typed_lists_are_read_whatever_their_line_endings(
    client, cohort, app, people, status, message
):
    response = post_form(client, f"/manage/cohorts/{cohort.id}/people/add", {"add-people": people})
    assert response.status_code == status
    assert message in response.text
    added = ["adamac@example.com", "grace@example.com"] if status == 200 else []
    assert member_emails(app, cohort.id) == added


@pytest.mark.parametrize("raw", [b"Ada\xff,ada@example.com", b"\xe9l\xe8ve,eleve@example.com"])
def test_a_typed_list_that_is_not_utf8_is_a_400_with_a_message(client, cohort, app, raw):
    # Sent as multipart form data, whose bytes Werkzeug decodes with replacement characters.
    boundary = "boundary42"
    fields = {"csrf_token": csrf_token(client).encode(), "add-people": raw}
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        + value
        + b"\r\n"
        for name, value in fields.items()
    )
    response = client.post(
        f"/manage/cohorts/{cohort.id}/people/add",
        data=body + f"--{boundary}--\r\n".encode(),
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 400
    assert "Row 1: some text is not UTF-8" in response.text
    assert member_emails(app, cohort.id) == []


def test_a_control_character_in_a_roster_name_reads_as_on_the_cohort_form(client, cohort, app):
    roster = b"name,email\nAda\x01Mac,adamac@example.com\n"
    response = post_form(
        client,
        f"/manage/cohorts/{cohort.id}/people/import",
        {"roster-roster": (io.BytesIO(roster), "roster.csv")},
    )
    assert response.status_code == 400
    assert f"Row 2: {NAME_MESSAGE}" in response.text
    cohort_form = post_form(client, "/manage/cohorts/new", {"name": "Spring\x01"})
    assert NAME_MESSAGE in cohort_form.text
    assert member_emails(app, cohort.id) == []


def test_a_roster_is_capped_in_rows():
    text = "".join(f"P{n},p{n}@example.com\n" for n in range(MAX_ROWS + 1))
    with pytest.raises(RosterError, match=f"Row {MAX_ROWS + 1}: a list may hold at most"):
        parse_people(text)


def join(app, cohort, user):
    with app.app_context(), new_session(write=True) as session:
        join_cohort(session, cohort_id=cohort.id, user_ids=[user.id], now=utcnow())
        session.commit()


def test_removing_a_learner_keeps_their_records(client, cohort, make_user, app, activity):
    learner = make_user(name="Rita Removed")
    join(app, cohort, learner)
    activity.lessons(learner, "welcome")
    response = post_form(client, f"/manage/cohorts/{cohort.id}/learners/{learner.id}/remove")
    assert response.status_code == 302
    assert "Rita Removed is no longer in" in client.get(response.headers["Location"]).text
    assert member_emails(app, cohort.id) == []
    with app.app_context(), new_session() as session:
        assert session.query(LessonProgress).filter_by(user_id=learner.id).count() == 1
        assert session.get(User, learner.id) is not None
    again = post_form(client, f"/manage/cohorts/{cohort.id}/learners/{learner.id}/remove")
    assert again.status_code == 404


def add_newcomer(client, cohort, email="nia@example.com"):
    page = post_form(
        client, f"/manage/cohorts/{cohort.id}/people/add", {"add-people": f"Nia New, {email}"}
    ).text
    [link] = set_password_links(page)
    return link.removeprefix("http://localhost")


def test_set_password_link_sets_the_password_once_and_signs_in(client, cohort, app):
    path = add_newcomer(client, cohort)
    newcomer = app.test_client()
    page = newcomer.get(path)
    assert page.status_code == 200
    assert "Choose a password for nia@example.com" in page.text
    weak = post_form(newcomer, path, {"password": "password123", "confirm": "password123"})
    assert weak.status_code == 400
    assert "Choose a less common password." in weak.text
    good = "a sturdy passphrase 9"
    response = post_form(newcomer, path, {"password": good, "confirm": good})
    assert response.status_code == 302
    assert "Nia New" in newcomer.get("/").text  # signed in
    used = app.test_client().get(path)
    assert used.status_code == 404
    assert "This link does not work." in used.text
    # The password works for signing in.
    other = app.test_client()
    signed = post_form(other, "/login", {"email": "nia@example.com", "password": good})
    assert signed.status_code == 302


def test_unknown_used_and_expired_links_read_the_same(client, cohort, app):
    expired = add_newcomer(client, cohort, "old@example.com")
    with app.app_context(), new_session(write=True) as session:
        session.execute(update(PasswordToken).values(expires_at=utcnow() - timedelta(minutes=1)))
        session.commit()
    visitor = app.test_client()
    pages = [visitor.get(expired), visitor.get("/set-password/" + "x" * 43)]
    assert {page.status_code for page in pages} == {404}
    bodies = {page.text.split("<main")[1] for page in pages}
    assert len(bodies) == 1
    assert "old@example.com" not in bodies.pop()


def test_a_new_link_replaces_the_old_says_so_and_only_for_accounts_without_password(
    client, cohort, app, make_user, manager
):
    first = add_newcomer(client, cohort)
    with app.app_context(), new_session() as session:
        nia = session.query(User).filter_by(email="nia@example.com").one()
    response = post_form(client, f"/manage/cohorts/{cohort.id}/learners/{nia.id}/password-link")
    assert response.status_code == 200
    # Never silently: the page says the earlier link dies, and whose it was.
    assert "The earlier link for Nia New stops working now." in response.text
    assert f"{manager.name} made it on" in response.text
    [second] = set_password_links(response.text)
    assert app.test_client().get(first).status_code == 404
    second = second.removeprefix("http://localhost")
    assert app.test_client().get(second).status_code == 200
    good = "a sturdy passphrase 9"
    post_form(app.test_client(), second, {"password": good, "confirm": good})
    refused = post_form(client, f"/manage/cohorts/{cohort.id}/learners/{nia.id}/password-link")
    assert refused.status_code == 403
    assert "has set a password already" in refused.text
    # An account that has a password and was not made here: no link either.
    secured = make_user()
    join(app, cohort, secured)
    refused = post_form(client, f"/manage/cohorts/{cohort.id}/learners/{secured.id}/password-link")
    assert refused.status_code == 403


def test_details_can_be_changed(client, cohort, app):
    response = post_form(
        client,
        f"/manage/cohorts/{cohort.id}/details",
        {"details-name": "Renamed", "details-starts_on": "", "details-due_on": "2030-01-31"},
    )
    assert response.status_code == 302
    page = client.get(f"/manage/cohorts/{cohort.id}").text
    assert "<h1>Renamed</h1>" in page
    assert "due 31 Jan 2030" in page


def add_learners(client, cohort, people: list[str]):
    response = post_form(
        client, f"/manage/cohorts/{cohort.id}/people/add", {"add-people": "\n".join(people)}
    )
    assert response.status_code == 200


def learner_rows(page: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', page)


def test_a_large_cohort_is_shown_a_page_of_learners_at_a_time(client, cohort):
    add_learners(client, cohort, [f"Learner {n:03}, learner{n:03}@example.com" for n in range(105)])
    first = client.get(f"/manage/cohorts/{cohort.id}/people")
    assert "Learners (105)" in first.text
    assert "page 1 of 2" in first.text
    assert learner_rows(first.text)[:2] == ["Learner 000", "Learner 001"]
    assert len(learner_rows(first.text)) == 100
    assert f'href="/manage/cohorts/{cohort.id}/people?page=2">Next page' in first.text
    second = client.get(f"/manage/cohorts/{cohort.id}/people?page=2")
    assert learner_rows(second.text) == [f"Learner {n}" for n in range(100, 105)]
    assert "Next page" not in second.text
    # A page past the last, or not a number, shows a real page rather than an error.
    assert learner_rows(client.get(f"/manage/cohorts/{cohort.id}/people?page=9").text) == [
        f"Learner {n}" for n in range(100, 105)
    ]
    assert client.get(f"/manage/cohorts/{cohort.id}/people?page=two").status_code == 200


def test_learners_can_be_found_by_name_or_email_whatever_the_case(client, cohort):
    add_learners(
        client,
        cohort,
        ["Ada Lovelace, ada@example.com", "Grace Hopper, grace@navy.example", "Kim 100%, k@x.org"],
    )
    people = f"/manage/cohorts/{cohort.id}/people"
    assert learner_rows(client.get(people + "?find=LOVE").text) == ["Ada Lovelace"]
    assert learner_rows(client.get(people + "?find=navy").text) == ["Grace Hopper"]
    # What is typed is searched for as typed: % and _ are not wildcards.
    assert learner_rows(client.get(people + "?find=100%25").text) == ["Kim 100%"]
    assert learner_rows(client.get(people + "?find=_").text) == []
    nobody = client.get(people + "?find=nobody")
    assert "No name or email in this cohort holds “nobody”." in nobody.text
    assert "0 of 3 learners match" in nobody.text


def test_a_manager_can_be_removed_but_not_the_last(client, cohort, manager, make_user, app):
    second = make_user(role=Role.MANAGER, name="Sam Second", email="sam@example.com")
    post_form(client, f"/manage/cohorts/{cohort.id}/managers", {"manager-email": "sam@example.com"})
    assert "Sam Second" in client.get(f"/manage/cohorts/{cohort.id}").text
    removed = post_form(client, f"/manage/cohorts/{cohort.id}/managers/{second.id}/remove")
    assert removed.status_code == 302
    assert "Sam Second no longer manages" in client.get(removed.headers["Location"]).text
    assert "Sam Second" not in client.get(f"/manage/cohorts/{cohort.id}").text
    # Sam's account is untouched; only the cohort lost a manager.
    with app.app_context(), new_session() as session:
        assert session.get(User, second.id).role == Role.MANAGER
    last = post_form(client, f"/manage/cohorts/{cohort.id}/managers/{manager.id}/remove")
    assert last.status_code == 400
    assert "A cohort needs a manager" in last.text
    assert manager.name in client.get(f"/manage/cohorts/{cohort.id}").text
    stranger = make_user(role=Role.MANAGER)
    not_one = post_form(client, f"/manage/cohorts/{cohort.id}/managers/{stranger.id}/remove")
    assert not_one.status_code == 404


def test_a_manager_who_hands_over_a_cohort_no_longer_sees_it(client, cohort, manager, make_user):
    make_user(role=Role.MANAGER, name="Sam Second", email="sam@example.com")
    post_form(client, f"/manage/cohorts/{cohort.id}/managers", {"manager-email": "sam@example.com"})
    response = post_form(client, f"/manage/cohorts/{cohort.id}/managers/{manager.id}/remove")
    assert response.headers["Location"] == "/manage/"
    assert "You no longer manage" in client.get("/manage/").text
    assert client.get(f"/manage/cohorts/{cohort.id}").status_code == 404
