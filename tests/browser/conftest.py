"""A live server and Debian's Chromium driven by Playwright, with axe-core on every page."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from course import create_app
from course.db import Model, make_engine
from tests.conftest import FIXTURE_COURSE, require

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Chromium's own calls home are refused on a closed network; keep it quiet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    require(Path(CHROMIUM).exists(), "Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class LiveServer:
    """The app served on a free local port in a background thread."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture
def live_app(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    engine = make_engine(url)
    Model.metadata.create_all(engine)
    engine.dispose()
    return create_app(
        {
            "DATABASE_URL": url,
            "CONTENT_DIR": str(FIXTURE_COURSE),
            "SECRET_KEY": "browser tests",
            "RATELIMIT_ENABLED": False,
        },
        instance_path=str(tmp_path / "instance"),
    )


@pytest.fixture
def live_server(live_app):
    with LiveServer(live_app) as server:
        yield server


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    external: list[str] = []

    def on_request(request):
        if not request.url.startswith(live_server.url):
            external.append(request.url)

    context.on("request", on_request)
    page = context.new_page()
    yield page
    context.close()
    assert not external, f"requests left the server: {external}"


@pytest.fixture
def check_a11y():
    """Run axe-core on the page as it stands and fail on any violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        page.wait_for_load_state()  # axe reads the whole page, not the part parsed so far
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()

    return check


def press_and_leave(page, button_name: str) -> None:
    """Press a form's button and wait until the page its answer leads to has loaded.

    click() returns before the navigation it starts: without this wait the next step
    reads the form's page, or a goto() cancels the request still on its way.
    """
    form_path = urlsplit(page.url).path
    page.get_by_role("button", name=button_name).click()
    page.wait_for_url(lambda url: urlsplit(url).path != form_path)


def register(page, name="Lin Learner", email="lin@example.com", password="a sturdy passphrase 9"):
    """Create an account through the sign-up form, as a person would."""
    page.goto("/register")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    press_and_leave(page, "Create account")


def sign_in(page, email, password="a sturdy passphrase 9"):
    """Sign in through the form and wait for the page it leads to."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    press_and_leave(page, "Sign in")
