"""An instructor places a quiz from an LMS in a real browser: login, launch, the picker
(which passes axe) and the signed answer that goes back to the LMS by itself."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.lti.platform import CLIENT_ID, INSTRUCTOR, Platform

pytestmark = pytest.mark.browser


def test_an_instructor_places_a_quiz_from_the_lms(browser, live_app, live_server, check_a11y):
    lms = Platform(live_app.test_client())
    try:
        result = live_app.test_cli_runner().invoke(
            args=["lti", "add-platform", *lms.registration_args()]
        )
        assert result.exit_code == 0, result.output
        lms.next_launch = {
            "target": live_server.url + "/",
            "deep_link": True,
            "sub": "teacher",
            "roles": [INSTRUCTOR],
            "name": "Tess Teacher",
        }
        context = browser.new_context()
        page = context.new_page()
        login = {"iss": lms.issuer, "login_hint": "teacher", "client_id": CLIENT_ID,
                 "target_link_uri": live_server.url + "/lti/launch"}  # fmt: skip
        page.goto(f"{live_server.url}/lti/login?{urlencode(login)}")
        page.get_by_role("heading", name="Place the course in your LMS").wait_for()
        check_a11y(page)
        page.get_by_label("Fixture quiz").check()
        page.get_by_role("button", name="Place in LMS").click()
        page.get_by_role("heading", name="Placed").wait_for()
        [jwt] = lms.deep_link_answers
        [item] = lms.take_deep_link(jwt)
        assert item["url"] == live_server.url + "/quizzes/fixture-quiz"
        context.close()
    finally:
        lms.stop()
