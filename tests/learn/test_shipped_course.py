"""The course the engine ships: every item of its outline opens for a learner."""

from course.config import REPOSITORY_ROOT
from course.content import get_catalog
from tests.conftest import PASSWORD, post_form


def test_every_item_of_the_shipped_course_opens(make_app, make_user):
    app = make_app(CONTENT_DIR=str(REPOSITORY_ROOT))
    client = app.test_client()
    user = make_user()
    post_form(client, "/login", {"email": user.email, "password": PASSWORD})
    outline = client.get("/").text
    assert "PM Intern or Product Coordinator?" in outline
    with app.app_context():
        items = get_catalog().items
    assert len(items) >= 19
    for item in items:
        path = {"lesson": "lessons", "quiz": "quizzes", "scenario": "scenarios"}[item.kind]
        assert f'href="/{path}/{item.slug}"' in outline
        response = client.get(f"/{path}/{item.slug}")
        assert response.status_code == 200, (item.slug, response.status_code)
        assert item.title.split(" —")[0] in response.text
