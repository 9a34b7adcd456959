"""``course lti add-platform`` and ``course lti config``; LMS frames for launched sessions."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from course.db import new_session
from course.lti.models import LtiPlatform

GOOD = [
    "--issuer", "https://moodle.example.edu",
    "--client-id", "abc123",
    "--auth-url", "https://moodle.example.edu/mod/lti/auth.php",
    "--token-url", "https://moodle.example.edu/mod/lti/token.php",
    "--jwks-url", "https://moodle.example.edu/mod/lti/certs.php",
]  # fmt: skip


def platforms(app):
    with app.app_context(), new_session() as session:
        return list(session.scalars(select(LtiPlatform)))


def test_add_platform_registers_it_and_again_changes_it(app, runner):
    result = runner.invoke(args=["lti", "add-platform", *GOOD])
    assert result.exit_code == 0, result.output
    assert "Registered https://moodle.example.edu (client abc123, any deployment)" in result.output
    result = runner.invoke(args=["lti", "add-platform", *GOOD, "--deployment-id", "7"])
    assert "Updated" in result.output
    [platform] = platforms(app)
    assert platform.deployment_id == "7"
    assert platform.key_set_url == "https://moodle.example.edu/mod/lti/certs.php"


@pytest.mark.parametrize(
    ("option", "value"),
    [("--issuer", "moodle.example.edu"), ("--auth-url", "ftp://x/y"), ("--jwks-url", "https://")],
)
def test_add_platform_refuses_an_address_that_is_not_one(app, runner, option, value):
    args = list(GOOD)
    args[args.index(option) + 1] = value
    result = runner.invoke(args=["lti", "add-platform", *args])
    assert result.exit_code != 0
    assert option in result.output
    assert "must be an http(s) address" in result.output
    assert "Traceback" not in result.output
    assert platforms(app) == []


def test_config_prints_the_addresses_and_the_public_key(make_app):
    app = make_app(BASE_URL="https://learn.example.com")
    result = app.test_cli_runner().invoke(args=["lti", "config"])
    assert result.exit_code == 0, result.output
    for line in (
        "Login URL (initiate login):   https://learn.example.com/lti/login",
        "Redirect URI / launch URL:    https://learn.example.com/lti/launch",
        "Public keyset URL (JWKS):     https://learn.example.com/lti/jwks.json",
        "-----BEGIN PUBLIC KEY-----",
    ):
        assert line in result.output
    assert "PRIVATE" not in result.output
    key_file = Path(app.instance_path) / "lti_private_key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # The key is made once: printing again shows the same one.
    again = app.test_cli_runner().invoke(args=["lti", "config"])
    assert again.output == result.output


def test_iframe_sessions_need_an_https_base_url(make_app):
    with pytest.raises(ValueError, match="https"):
        make_app(LTI_IFRAME=True, BASE_URL="http://learn.example.com")


def test_only_a_launched_session_may_be_framed_by_its_lms(make_app):
    from tests.lti.platform import Platform

    app = make_app(LTI_IFRAME=True, BASE_URL="https://localhost")
    client = app.test_client()
    lms = Platform(client)
    try:
        result = app.test_cli_runner().invoke(
            args=["lti", "add-platform", *lms.registration_args()]
        )
        assert result.exit_code == 0, result.output
        outline = client.get("/", base_url="https://localhost")
        assert "frame-ancestors 'none'" in outline.headers["Content-Security-Policy"]
        assert outline.headers["X-Frame-Options"] == "DENY"

        form = lms.launch_form("https://localhost/lessons/welcome")
        launched = client.post("/lti/launch", data=form, base_url="https://localhost")
        assert launched.status_code == 302, launched.text
        cookie = launched.headers["Set-Cookie"]
        assert "SameSite=None" in cookie
        assert "Secure" in cookie
        page = client.get("/lessons/welcome", base_url="https://localhost")
        assert f"frame-ancestors {lms.base}" in page.headers["Content-Security-Policy"]
        assert "X-Frame-Options" not in page.headers
    finally:
        lms.stop()


def test_without_the_iframe_setting_a_launched_session_stays_lax(client, launch):
    launched = launch()
    assert "SameSite=Lax" in launched.headers["Set-Cookie"]
    page = client.get("/lessons/welcome")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
