"""Random and hostile requests to every route: nothing may answer with a 5xx.

CSRF is off here so that forged forms reach the code behind them; the CSRF check
itself is tested in tests/auth.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import BuildError

from course.auth.models import Role
from tests.conftest import PASSWORD

HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "99999999999999999999",
            "../../etc/passwd",
            "..%2F..%2Fetc%2Fpasswd",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "\x00",
            "%00",
            "true",
            "false",
            "null",
            "welcome",
            "fixture-quiz",
            "fixture-scenario",
            "careful",
            "kickoff",
            "intern",
            "\u202etxt.exe",
            "\ud7ff\ufffd",
            "a" * 5000,
            '=HYPERLINK("x")',
            "{}",
            "[]",
        ]
    ),
)
FIELD_NAMES = st.sampled_from(
    [
        "csrf_token",
        "attempt",
        "q-pick-one",
        "q-pick-many",
        "q-is-accountable",
        "q-who-does-it-capstone",
        "q-unknown",
        "choice",
        "run",
        "position",
        "step",
        "email",
        "password",
        "name",
        "action",
        "name-name",
        "password-password",
        "password-current_password",
        "password-confirm",
        "next",
        "code",
        "roster",
        "learners",
        "due_on",
        "starts_on",
    ]
)
FORMS = st.dictionaries(
    FIELD_NAMES, st.one_of(HOSTILE_TEXT, st.lists(HOSTILE_TEXT, max_size=3)), max_size=8
)


def route_urls(app, values):
    """Yield (methods, url) for every rule, its variables filled from ``values``."""
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        arguments = {}
        for name in rule.arguments:
            converter = type(rule._converters[name]).__name__
            arguments[name] = values["int"] if converter == "IntegerConverter" else values["text"]
        try:
            url = adapter.build(rule.endpoint, arguments)
        except (ValueError, BuildError):
            continue  # a value the converter refuses cannot be requested either
        yield rule.methods - {"HEAD", "OPTIONS"}, url


@pytest.fixture
def hostile_app(make_app):
    return make_app(WTF_CSRF_ENABLED=False)


@pytest.mark.parametrize("role", [Role.LEARNER, Role.MANAGER, Role.ADMIN, None])
def test_no_route_answers_5xx(hostile_app, make_user, role):
    client = hostile_app.test_client()
    if role is not None:
        user = make_user(role=role)
        client.post("/login", data={"email": user.email, "password": PASSWORD})
        # Leave some state behind for the routes to trip over.
        client.post("/scenarios/fixture-scenario/start")
        client.post("/lessons/welcome/complete")

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(text=HOSTILE_TEXT, number=st.integers(min_value=0, max_value=2**63), form=FORMS)
    def check(text, number, form):
        for methods, url in route_urls(hostile_app, {"text": text, "int": number}):
            if "logout" in url:
                continue  # signing out would end the rest of the walk
            for method in methods:
                response = client.open(
                    url,
                    method=method,
                    data=form if method == "POST" else None,
                    query_string={"next": text, "filter": text, "sort": text},
                )
                assert response.status_code < 500, (method, url, form, response.status_code)

    check()
