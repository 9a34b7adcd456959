"""The outline, lesson pages, completion and gating."""

import shutil

import pytest

from tests.conftest import FIXTURE_COURSE, PASSWORD, post_form


@pytest.fixture
def learner(make_user, sign_in):
    user = make_user(name="Lin Learner")
    sign_in(user)
    return user


def test_outline_for_a_visitor_lists_modules_and_items(client):
    page = client.get("/").text
    assert "Fixture Course" in page
    assert "Getting started" in page
    assert "Practice" in page
    assert 'href="/lessons/welcome"' in page
    assert 'href="/quizzes/fixture-quiz"' in page
    assert "Sign in" in page
    assert "Continue" not in page


def test_outline_for_a_learner_shows_status_and_continue(client, learner):
    page = client.get("/").text
    assert "Continue" in page
    assert "0% · 0 of 4 required items done" in page
    assert 'class="button" href="/lessons/welcome">Continue' in page


def test_lesson_page_renders_body_objectives_and_navigation(client, learner):
    response = client.get("/lessons/roles")
    assert response.status_code == 200
    page = response.text
    assert "Mark as complete" in page
    assert 'rel="prev" href="/lessons/welcome"' in page
    assert 'rel="next" href="/quizzes/fixture-quiz"' in page
    assert "Module 1: Getting started" in page


def test_opening_a_lesson_makes_it_in_progress(client, learner):
    client.get("/lessons/welcome")
    page = client.get("/").text
    assert "In progress" in page


def test_completing_a_lesson_twice_changes_nothing(client, learner, app):
    first = post_form(client, "/lessons/welcome/complete")
    assert first.status_code == 302
    assert first.headers["Location"] == "/lessons/roles"
    second = post_form(client, "/lessons/welcome/complete")
    assert second.status_code == 302
    page = client.get("/").text
    assert "25% · 1 of 4 required items done" in page
    assert 'class="button" href="/lessons/roles">Continue' in page
    from course.db import new_session
    from course.progress.models import LessonProgress

    with app.app_context(), new_session() as session:
        rows = session.query(LessonProgress).all()
    assert len(rows) == 1
    assert rows[0].completed_at is not None


def test_lesson_requires_sign_in(client):
    response = client.get("/lessons/welcome")
    assert response.status_code == 302
    assert "/login?next=%2Flessons%2Fwelcome" in response.headers["Location"]


@pytest.mark.parametrize(
    "path",
    [
        "/lessons/nope",
        "/lessons/fixture-quiz",
        "/quizzes/welcome",
        "/scenarios/nope",
        "/lessons/..%2F..%2Fetc%2Fpasswd",
    ],
)
def test_unknown_items_are_404(client, learner, path):
    assert client.get(path).status_code == 404


def test_lesson_html_is_rendered_once_not_per_request(client, learner, app, monkeypatch):
    # Patched where the content loader looks it up: it imported the name itself.
    import course.content.fields as fields

    def fail(*args, **kwargs):
        raise AssertionError("Markdown rendered during a request")

    monkeypatch.setattr(fields, "render_markdown", fail)
    for _ in range(3):
        assert client.get("/lessons/welcome").status_code == 200


def test_sequential_course_locks_later_items_and_says_why(sequential_app, make_user):
    client = sequential_app.test_client()
    from tests.conftest import PASSWORD

    user = make_user()
    post_form(client, "/login", {"email": user.email, "password": PASSWORD})
    locked = client.get("/lessons/roles")
    assert locked.status_code == 403
    assert "opens later" in locked.text
    assert 'href="/lessons/welcome"' in locked.text
    assert "Locked" in client.get("/").text
    post_form(client, "/lessons/welcome/complete")
    assert client.get("/lessons/roles").status_code == 200
    assert client.get("/quizzes/fixture-quiz").status_code == 403


def test_a_lesson_with_three_headings_lists_its_sections_at_the_top(make_app, tmp_path, make_user):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_COURSE, content)
    roles = content / "lessons" / "roles.md"
    roles.write_text(roles.read_text() + "\n### Release day\n\nThe checklist is read aloud.\n")
    client = make_app(CONTENT_DIR=str(content)).test_client()
    post_form(client, "/login", {"email": make_user().email, "password": PASSWORD})
    page = client.get("/lessons/roles").text
    contents = page.split('<nav class="toc"', 1)[1].split("</nav>", 1)[0]
    assert "On this page" in contents
    assert '<a href="#h-the-intern">The intern</a>' in contents
    assert '<a href="#h-the-coordinator">The coordinator</a>' in contents
    assert "Release day" not in contents  # only ## headings are listed
    assert "On this page" not in client.get("/lessons/welcome").text  # two headings: none
