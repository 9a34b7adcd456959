"""``course xapi forward``: learning records sent to a real learning record store, each once.

The store is ralph (``ralph-malph``) on its file backend, served by uvicorn on
127.0.0.1; a small proxy in front of it plays the outages and refusals.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from course.auth.models import Role
from course.db import new_session, utcnow
from course.manage.cohorts import invite_to_cohort
from course.progress.forwarding import forward_records
from course.progress.lrs import XAPI_VERSION, LrsClient, lrs_address
from course.progress.models import LearningRecord, XapiDelivery
from tests.conftest import RIGHT, free_port, require, sqlite_only

SITE = "https://learn.example.com"
USER, PASSWORD = "course", "lrs secret"
AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
START_TIMEOUT = 60.0  # seconds for the store to answer after it starts
SERVE_RALPH = Path(__file__).with_name("ralph_lrs.py")


class Ralph:
    """ralph's LRS on the file backend, on a free loopback port; ``empty()`` forgets all."""

    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/xAPI"
        self.store = folder / "data" / "fs_lrs.jsonl"
        self.process = None

    def start(self) -> None:
        (self.folder / "data").mkdir(parents=True, exist_ok=True)
        auth_file = self.folder / "auth.json"
        auth_file.write_text(json.dumps([self._account()]))
        self.log = (self.folder / "ralph.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, str(SERVE_RALPH), "--port", str(self.port), "--folder", self.folder],
            cwd=self.folder,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if requests.get(self.url.replace("/xAPI", "/__heartbeat__"), timeout=2).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        self.stop()
        log = (self.folder / "ralph.log").read_text()[-2000:]
        require(False, f"ralph's LRS did not start on port {self.port}: {log}")

    def _account(self) -> dict:
        import bcrypt  # ralph's own dependency, for its credentials file

        hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
        return {
            "username": USER,
            "hash": hashed,
            "scopes": ["all"],
            "agent": {"mbox": "mailto:course@example.com"},
        }

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            self.process = None
            self.log.close()

    def empty(self) -> None:
        if self.store.exists():
            self.store.write_text("")

    def statements(self) -> list[dict]:
        """Every statement the store holds, read back through its xAPI GET."""
        response = requests.get(
            self.url + "/statements",
            auth=(USER, PASSWORD),
            headers={"X-Experience-API-Version": XAPI_VERSION},
            timeout=10,
        )
        response.raise_for_status()
        body = response.json()
        assert not body.get("more"), "more statements than one page holds"
        return body["statements"]


@pytest.fixture(scope="module")
def ralph_server(tmp_path_factory):
    require(
        importlib.util.find_spec("ralph") is not None,
        "ralph-malph is not installed (it comes with the test extra)",
    )
    server = Ralph(tmp_path_factory.mktemp("ralph"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def ralph(ralph_server):
    """The LRS, holding no statement."""
    ralph_server.empty()
    yield ralph_server
    ralph_server.empty()


class Proxy:
    """A stand-in for the network between us and the store, on its own loopback port.

    It passes requests on to the store, and counts the statement ids posted through
    it. ``healthy_posts``: after that many POSTs it answers 503 without passing
    them on; ``lose_answers``: the store gets each POST but we get a 504 back;
    ``refuse_id``: a POST holding that statement id gets a 400.
    """

    def __init__(self, target: str):
        self.target = target.rsplit("/xAPI", 1)[0]
        self.healthy_posts: int | None = None
        self.lose_answers = False
        self.refuse_id: str | None = None
        self.posted_ids: list[str] = []
        self.posts = 0
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                ids = [statement["id"] for statement in json.loads(body)]
                with proxy.lock:
                    proxy.posts += 1
                    is_down = proxy.healthy_posts is not None and proxy.posts > proxy.healthy_posts
                    if not is_down:
                        proxy.posted_ids.extend(ids)
                if is_down:
                    return self._answer(503, b"store down for maintenance")
                if proxy.refuse_id in ids:
                    return self._answer(400, f"statement {proxy.refuse_id} is invalid".encode())
                answer = requests.post(
                    proxy.target + self.path,
                    data=body,
                    headers={k: v for k, v in self.headers.items() if k.lower() != "host"},
                    timeout=30,
                )
                if proxy.lose_answers:
                    return self._answer(504, b"gateway timeout")
                return self._answer(answer.status_code, answer.content)

            def _answer(self, status: int, body: bytes):
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/xAPI"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


@pytest.fixture
def proxy(ralph):
    made = Proxy(ralph.url)
    yield made
    made.close()


def lrs_app(make_app, url: str, *, password: str = PASSWORD):
    return make_app(LRS_URL=url, LRS_AUTH=f"{USER}:{password}", BASE_URL=SITE)


def forward(app, *options):
    return app.test_cli_runner().invoke(args=["xapi", "forward", *options])


def exported(app, cohort_id) -> list[dict]:
    result = app.test_cli_runner().invoke(args=["export", "xapi", "--cohort", str(cohort_id)])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def delivered_count(app) -> int:
    with app.app_context(), new_session() as session:
        return session.scalar(
            select(func.count())
            .select_from(XapiDelivery)
            .where(XapiDelivery.delivered_at.is_not(None))
        )


@pytest.fixture
def class_of_three(app, make_user, make_cohort, activity):
    """Two members who did things, one learner only invited, one in no cohort."""
    manager = make_user(role=Role.MANAGER)
    members = [make_user(), make_user()]
    invited, loner = make_user(), make_user()
    cohort = make_cohort(manager, members=members, joined_at=AT)
    with app.app_context(), new_session(write=True) as session:
        invite_to_cohort(
            session, cohort_id=cohort.id, user_ids=[invited.id], invited_by=manager.id, now=AT
        )
        session.commit()
    activity.everything(members[0], at=AT)
    activity.lessons(members[1], "welcome", at=AT + timedelta(hours=1))
    activity.everything(invited, at=AT)
    activity.everything(loner, at=AT)
    return cohort, members


def by_id(statements) -> dict[str, dict]:
    return {statement["id"]: statement for statement in statements}


def test_two_runs_leave_each_members_statement_in_the_store_once(
    make_app, ralph, class_of_three, activity
):
    cohort, members = class_of_three
    app = lrs_app(make_app, ralph.url)
    expected = exported(app, cohort.id)

    first = forward(app)
    assert first.exit_code == 0, first.output
    assert f"sent {len(expected)} statements" in first.output
    assert f"{len(expected)} statements delivered; 0 wait for a later run." in first.output
    stored = by_id(ralph.statements())
    # Exactly the members' records (the invited learner and the loner's stay here),
    # each as the export writes it.
    assert stored.keys() == by_id(expected).keys()
    for statement in expected:
        kept = {key: stored[statement["id"]][key] for key in statement}
        assert kept["actor"] == {**statement["actor"], "objectType": "Agent"}
        assert {k: v for k, v in kept.items() if k != "actor"} == {
            k: v for k, v in statement.items() if k != "actor"
        }

    second = forward(app)
    assert second.exit_code == 0, second.output
    assert "0 statements delivered; 0 wait for a later run." in second.output
    assert len(ralph.statements()) == len(expected)

    # What happens next goes by the next run, and only that.
    activity.lessons(members[1], "roles", at=AT + timedelta(days=1))
    third = forward(app)
    assert third.exit_code == 0, third.output
    assert "1 statement delivered" in third.output
    assert len(ralph.statements()) == len(expected) + 1
    assert delivered_count(app) == len(expected) + 1


def test_an_outage_midway_keeps_the_rest_for_the_next_run(make_app, ralph, proxy, class_of_three):
    cohort, _members = class_of_three
    app = lrs_app(make_app, proxy.url)
    expected = exported(app, cohort.id)
    assert len(expected) > 4
    proxy.healthy_posts = 2  # two batches get through, then the store is down

    failed = forward(app, "--batch-size", "2")
    assert failed.exit_code == 1
    assert "Traceback" not in failed.output
    assert "sent 2 statements" in failed.output
    assert "HTTP 503: store down for maintenance" in failed.output
    assert "what it did not take is sent by a later run" in failed.output
    assert f"4 statements delivered; {len(expected) - 4} wait for a later run." in failed.output
    assert len(ralph.statements()) == 4
    assert delivered_count(app) == 4  # the failed batch is not marked

    proxy.healthy_posts = None  # back up
    resumed = forward(app, "--batch-size", "2")
    assert resumed.exit_code == 0, resumed.output
    assert f"{len(expected) - 4} statements delivered; 0 wait" in resumed.output
    assert by_id(ralph.statements()).keys() == by_id(expected).keys()
    # Only what was not delivered went again: the store saw each statement once.
    assert sorted(proxy.posted_ids) == sorted(by_id(expected))


def test_a_store_that_is_stopped_leaves_everything_for_later(make_app, class_of_three):
    app = lrs_app(make_app, f"http://127.0.0.1:{free_port()}/xAPI")  # nothing listens there
    result = forward(app)
    assert result.exit_code == 1
    assert "could not reach it: Connection refused" in result.output
    assert "Traceback" not in result.output
    assert delivered_count(app) == 0


def test_a_lost_answer_is_sent_again_and_stored_once(make_app, ralph, proxy, class_of_three):
    cohort, _members = class_of_three
    app = lrs_app(make_app, proxy.url)
    expected = exported(app, cohort.id)
    proxy.lose_answers = True  # the store takes the batch, and the answer is lost
    lost = forward(app)
    assert lost.exit_code == 1
    assert "HTTP 504" in lost.output
    assert delivered_count(app) == 0
    assert len(ralph.statements()) == len(expected)

    proxy.lose_answers = False
    again = forward(app)
    assert again.exit_code == 0, again.output
    assert by_id(ralph.statements()).keys() == by_id(expected).keys()
    assert len(ralph.statements()) == len(expected)  # the repeat was dropped by its ids
    assert delivered_count(app) == len(expected)


def test_a_refused_statement_is_named_and_the_rest_of_its_batch_gets_in(
    make_app, ralph, proxy, class_of_three
):
    cohort, _members = class_of_three
    app = lrs_app(make_app, proxy.url)
    expected = exported(app, cohort.id)
    refused = expected[1]
    proxy.refuse_id = refused["id"]

    result = forward(app)
    assert result.exit_code == 1
    assert f"rejected statement {refused['id']} (learning record " in result.output
    assert f"HTTP 400: statement {refused['id']} is invalid" in result.output
    assert f"{len(expected) - 1} statements delivered; 1 wait for a later run." in result.output
    assert set(by_id(ralph.statements())) == set(by_id(expected)) - {refused["id"]}

    proxy.refuse_id = None  # the store was fixed
    retried = forward(app)
    assert retried.exit_code == 0, retried.output
    assert "sent 1 statement (learning record " in retried.output
    assert by_id(ralph.statements()).keys() == by_id(expected).keys()


def test_a_statement_the_store_holds_already_counts_as_delivered(make_app, ralph, class_of_three):
    cohort, _members = class_of_three
    app = lrs_app(make_app, ralph.url)
    # Sent by an earlier run whose answer was lost, before the learner changed their name:
    # the store holds the same id with other content, and answers a batch with it 409.
    first = exported(app, cohort.id)[0]
    requests.post(
        ralph.url + "/statements",
        json=[{**first, "actor": {**first["actor"], "name": "Their old name"}}],
        auth=(USER, PASSWORD),
        headers={"X-Experience-API-Version": XAPI_VERSION},
        timeout=10,
    ).raise_for_status()

    result = forward(app)
    assert result.exit_code == 0, result.output
    assert "(1 the LRS had already)" in result.output
    assert by_id(ralph.statements()).keys() == by_id(exported(app, cohort.id)).keys()
    assert "0 wait for a later run" in result.output


def test_a_wrong_password_is_a_clear_message_and_nothing_is_marked(make_app, ralph, class_of_three):
    app = lrs_app(make_app, ralph.url, password="not it")
    result = forward(app)
    assert result.exit_code == 1
    assert "HTTP 401 (the LRS refused the account in COURSE_LRS_AUTH)" in result.output
    assert "fix the setting, then run this again" in result.output
    assert "not it" not in result.output  # the password is never printed
    assert "Traceback" not in result.output
    assert delivered_count(app) == 0
    assert ralph.statements() == []


def test_two_forwarders_at_once_post_each_statement_once(make_app, ralph, proxy, class_of_three):
    cohort, _members = class_of_three
    apps = [lrs_app(make_app, proxy.url) for _ in range(2)]
    expected = exported(apps[0], cohort.id)
    runs = []

    def run(app):
        with app.app_context():
            lrs = LrsClient(lrs_address(app.config["LRS_URL"], app.config["LRS_AUTH"]))
            try:
                runs.append(forward_records(lrs, base_url=SITE, batch_size=1))
            finally:
                lrs.close()

    threads = [threading.Thread(target=run, args=(app,)) for app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [forwarding.stopped for forwarding in runs] == [None, None]
    assert sum(forwarding.sent for forwarding in runs) == len(expected)
    assert sorted(proxy.posted_ids) == sorted(by_id(expected))  # none posted twice
    assert len(ralph.statements()) == len(expected)


def test_a_forwarder_that_died_mid_batch_is_taken_over_once_its_claim_is_stale(
    make_app, ralph, class_of_three
):
    cohort, _members = class_of_three
    app = lrs_app(make_app, ralph.url)
    expected = exported(app, cohort.id)
    with app.app_context(), new_session(write=True) as session:
        records = list(session.scalars(select(LearningRecord.id).order_by(LearningRecord.id)))
        # One forwarder is sending the first record right now; another died long ago
        # holding the second.
        session.add(XapiDelivery(learning_record_id=records[0], claimed_at=utcnow()))
        session.add(
            XapiDelivery(learning_record_id=records[1], claimed_at=utcnow() - timedelta(hours=1))
        )
        session.commit()
    result = forward(app)
    assert result.exit_code == 0, result.output
    assert f"{len(expected) - 1} statements delivered; 1 wait for a later run." in result.output
    assert len(ralph.statements()) == len(expected) - 1


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({}, "COURSE_LRS_URL is not set"),
        ({"LRS_URL": "ftp://lrs.example.com"}, "COURSE_LRS_URL must be an http(s) address"),
        ({"LRS_URL": "https://lrs.example.com/xAPI"}, "COURSE_LRS_AUTH must be the LRS account"),
        ({"LRS_URL": "https://lrs.example.com/xAPI", "LRS_AUTH": "nopassword"}, "user:password"),
        (
            {"LRS_URL": "https://lrs.example.com/xAPI", "LRS_AUTH": "a:b", "BASE_URL": None},
            "COURSE_BASE_URL is not set",
        ),
    ],
)
def test_missing_or_wrong_settings_are_a_clear_message(make_app, settings, words, class_of_three):
    app = make_app(**{"BASE_URL": SITE, **settings})
    result = forward(app)
    assert result.exit_code == 1
    assert words in result.output
    assert "nothing was sent" in result.output
    assert "Traceback" not in result.output
    assert delivered_count(app) == 0


@sqlite_only  # its own database, which is not there
def test_a_database_that_does_not_answer_is_a_clear_message(make_app):
    app = make_app(
        DATABASE_URL=f"postgresql+psycopg://course@127.0.0.1:{free_port()}/course",
        LRS_URL="https://lrs.example.com/xAPI",
        LRS_AUTH="a:b",
        BASE_URL=SITE,
    )
    result = forward(app)
    assert result.exit_code == 1
    assert "the database did not answer" in result.output
    assert "Connection refused" in result.output
    assert "Traceback" not in result.output


def test_the_statements_sent_are_valid_xapi_for_ralphs_models(
    app, make_user, make_cohort, activity
):
    require(importlib.util.find_spec("ralph") is not None, "ralph-malph is not installed")
    from ralph.models.xapi.base.statements import BaseXapiStatement

    member = make_user(name="Zoë O'Brien-Łukasz")
    cohort = make_cohort(make_user(role=Role.MANAGER), members=[member])
    activity.everything(member, at=AT)
    activity.quiz(member, RIGHT, number=2, at=AT + timedelta(hours=1))
    activity.scenario(member, "careful", number=2, at=AT + timedelta(hours=2))
    app.config.update(BASE_URL=SITE)
    statements = exported(app, cohort.id)
    for statement in statements:
        # Strict: ralph's base model forbids any field the xAPI spec does not define.
        model = BaseXapiStatement.model_validate(statement)
        assert model.id == uuid.UUID(statement["id"])
    assert {s["verb"]["display"]["en"] for s in statements} >= {
        "completed",
        "attempted",
        "passed",
        "responded",
    }
