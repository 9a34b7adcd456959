"""An LMS (lti1p3platform on a loopback port) registered with the course."""

from __future__ import annotations

import pytest

from tests.lti.platform import Platform


@pytest.fixture
def platform(app, client, runner):
    """An LMS registered with ``course lti add-platform``, serving on 127.0.0.1."""
    lms = Platform(client)
    result = runner.invoke(args=["lti", "add-platform", *lms.registration_args()])
    assert result.exit_code == 0, result.output
    yield lms
    lms.stop()


@pytest.fixture
def launch(client, platform):
    """Launch ``target`` from the LMS on the tool's test client; return the response."""

    def launch(target: str = "http://localhost/lessons/welcome", **options):
        form = platform.launch_form(target, **options)
        return client.post("/lti/launch", data=form)

    return launch
