"""Every address follows where the app is mounted: links in content, navigation and forms.

The app may be served under a path prefix (``SCRIPT_NAME=/academy``); the test
client's ``base_url`` sets it.
"""

import re
import shutil
from pathlib import Path

import pytest
from flask import render_template_string

from course.auth.models import Role
from tests.conftest import FIXTURE_COURSE, PASSWORD, post_form

ACADEMY = "http://localhost/academy/"
TEMPLATES = Path(__file__).resolve().parents[2] / "course" / "templates"


def local_addresses(page: str) -> list[str]:
    """Return the page's links, form actions and sources that stay on this site."""
    found = re.findall(r'(?:href|action|src)="([^"]*)"', page)
    return [address for address in found if not address.startswith(("#", "http", "mailto:"))]


def test_under_a_prefix_every_address_on_a_lesson_page_stays_inside_it_and_works(
    client, make_user, sign_in
):
    sign_in(make_user())
    page = client.get("/lessons/roles", base_url=ACADEMY).text
    addresses = local_addresses(page)
    assert addresses
    assert [a for a in addresses if not a.startswith("/academy/")] == []
    assert '<a href="/academy/quizzes/fixture-quiz">the quiz</a>' in page  # in the lesson text
    assert 'rel="prev" href="/academy/lessons/welcome"' in page
    assert 'rel="next" href="/academy/quizzes/fixture-quiz"' in page
    assert 'action="/academy/lessons/roles/complete"' in page
    assert 'action="/academy/logout"' in page
    assert 'href="/academy/static/course.css?v=' in page
    for address in set(addresses) - {"/academy/lessons/roles/complete", "/academy/logout"}:
        with client.get(address.removeprefix("/academy"), base_url=ACADEMY) as response:
            assert response.status_code == 200, address
    done = post_form(client, "/lessons/roles/complete", base_url=ACADEMY)
    assert done.headers["Location"] == "/academy/quizzes/fixture-quiz"


@pytest.mark.parametrize("role", [Role.MANAGER, None])
def test_under_a_prefix_the_header_links_stay_inside_it(client, make_user, sign_in, role):
    # The header's addresses are read off the URL map once; the prefix is each request's.
    if role is not None:
        sign_in(make_user(role=role))
        wanted = [
            "/academy/",
            "/academy/",
            "/academy/progress",
            "/academy/manage/",
            "/academy/account",
        ]
    else:
        wanted = ["/academy/", "/academy/login", "/academy/register"]
    page = client.get("/", base_url=ACADEMY).text
    header = page[page.index("<header") : page.index("</header>")]
    assert [a for a in local_addresses(header) if a != "/academy/logout"] == wanted
    for address in wanted:
        assert client.get(address.removeprefix("/academy"), base_url=ACADEMY).status_code == 200


def test_without_a_prefix_no_address_carries_one(client, make_user, sign_in):
    sign_in(make_user())
    client.get("/lessons/roles", base_url=ACADEMY)  # nothing of one mount point leaks to another
    page = client.get("/lessons/roles").text
    assert '<a href="/quizzes/fixture-quiz">the quiz</a>' in page
    assert 'rel="next" href="/quizzes/fixture-quiz"' in page
    assert "/academy" not in page


@pytest.fixture
def linked_app(make_app, tmp_path):
    """The fixture course with links to a lesson in quiz and scenario text as well."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_COURSE, content)
    link = "See [the intern](lesson:roles#h-the-intern)."
    for relative, old in (
        ("quizzes/fixture-quiz.yaml", "intro: Answer every question."),
        ("quizzes/fixture-quiz.yaml", "prompt: Which role is a **learning** opportunity?"),
        ("quizzes/fixture-scenario.yaml", "intro: A release is due on Friday."),
    ):
        path = content / relative
        assert old in path.read_text()
        path.write_text(path.read_text().replace(old, f"{old} {link}", 1))
    return make_app(CONTENT_DIR=str(content))


@pytest.mark.parametrize(
    ("path", "links"),
    [
        ("/", ['<a href="/academy/lessons/welcome">the welcome</a>']),
        ("/quizzes/fixture-quiz", ['<a href="/academy/lessons/roles#h-the-intern">'] * 2),
        ("/scenarios/fixture-scenario", ['<a href="/academy/lessons/roles#h-the-intern">']),
    ],
)
def test_item_links_in_the_outline_quizzes_and_scenarios_follow_the_prefix(
    linked_app, make_user, path, links
):
    client = linked_app.test_client()
    post_form(client, "/login", {"email": make_user().email, "password": PASSWORD})
    page = client.get(path, base_url=ACADEMY).text
    assert page.count(links[0]) == len(links)
    assert not re.search(r'href="(lesson|quiz|scenario):', page)


def test_resolving_keeps_fragments_escapes_addresses_and_leaves_other_text_alone(app):
    html = (
        '<p><a href="lesson:roles#h-a&amp;b">a</a> <a href="/lessons/old">old</a> '
        'href=&quot;quiz:x&quot; <a href="https://example.com">out</a></p>'
    )
    with app.test_request_context(base_url=ACADEMY):
        shown = render_template_string("{{ html|resolve_links }}", html=html)
    assert '<a href="/academy/lessons/roles#h-a&amp;b">a</a>' in shown
    assert '<a href="/lessons/old">old</a>' in shown  # written before links were resolved
    assert "href=&quot;quiz:x&quot;" in shown  # text that looks like a link is text
    assert '<a href="https://example.com">out</a>' in shown


def test_no_template_shows_content_html_without_resolving_its_links():
    # |safe would show content HTML as stored: its item links would lead nowhere.
    unresolved = [
        path.relative_to(TEMPLATES).as_posix()
        for path in TEMPLATES.rglob("*.html")
        if "|safe" in path.read_text().replace(" ", "")
    ]
    assert unresolved == []
