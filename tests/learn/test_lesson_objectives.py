"""A lesson's objectives with ids show their text on the lesson page, as plain ones do."""

import pytest

from tests.content.broken_copies import CourseCopy, add_objectives


@pytest.fixture
def app_config(app_config, tmp_path):
    copy = CourseCopy(tmp_path / "objectives-course")
    add_objectives(copy)
    return {**app_config, "CONTENT_DIR": str(copy.root)}


def test_objectives_with_ids_show_their_text(client, make_user, enter_as):
    enter_as(make_user())
    page = client.get("/lessons/welcome").text
    assert (
        "<ul><li>Find your way around the course</li><li>Tell the two roles apart</li></ul>" in page
    )
    assert "find-your-way" not in page
