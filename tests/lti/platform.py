"""An LMS for the tests, built on lti1p3platform (not ours): it starts logins, signs
launches, takes deep-linking answers, and serves its keys, tokens, grade and roster
services from a WSGI server on 127.0.0.1.
"""

from __future__ import annotations

import html
import json
import threading
from urllib.parse import parse_qs, urlencode, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.membership import Context
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request
from lti1p3platform.score import UpdateScoreStatus
from lti1p3platform.service_connector import (
    AssignmentsGradesService,
    NamesRoleProvisioningService,
)
from werkzeug.serving import make_server
from werkzeug.wrappers import Request as WsgiRequest
from werkzeug.wrappers import Response as WsgiResponse

CLIENT_ID = "course-tool"
DEPLOYMENT_ID = "deployment-1"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


def new_private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def public_pem(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


class PlainRequest(Request):
    """A request as lti1p3platform reads it, from plain values."""

    def build_metadata(self, request):
        return request


class PlatformConf(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs):
        self.registration_values = kwargs

    def get_registration_by_params(self, **kwargs):
        values = self.registration_values
        registration = (
            Registration()
            .set_iss(values["issuer"])
            .set_client_id(values["client_id"])
            .set_deployment_id(values["deployment_id"])
            .set_oidc_login_url(values["login_url"])
            .set_launch_url(values["launch_url"])
            .set_platform_private_key(values["private_key"])
            .set_platform_public_key(public_pem(values["private_key"]))
            .set_tool_key_set(values["tool_key_set"])
        )
        if values.get("deep_link_url"):
            registration.set_deeplink_launch_url(values["deep_link_url"])
        return registration


class Launcher(LTIAdvantageMessageLaunchAbstract):
    def render_launch_form(self, launch_data, **kwargs):
        return launch_data


class Grades(AssignmentsGradesService):
    def __init__(self, *args, received, **kwargs):
        super().__init__(*args, **kwargs)
        self.received = received

    def update_score(self, line_item_id, score):
        self.received.append({"line_item": line_item_id, **score})
        return UpdateScoreStatus.SUCCESS

    def find_lineitems(self, *args, **kwargs):
        return {"content": [], "has_next": False}

    def find_lineitem(self, line_item_id):
        return {"id": line_item_id}

    def create_lineitem(self, creation_data):
        return creation_data

    def update_lineitem(self, update_data):
        return update_data

    def delete_lineitem(self, line_item_id):
        return None

    def get_results(self, *args, **kwargs):
        return {"content": [], "has_next": False}


class Roster(NamesRoleProvisioningService):
    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members

    def get_member_data_page(self, **kwargs):
        return {"content": list(self.members), "has_next": False}

    def get_context_by_id(self):
        return Context(id="course-101", label="PM101", title="Product roles")


class Platform:
    """One LMS with the course registered as a tool; ``base`` is its loopback address."""

    def __init__(self, tool_client, *, issuer: str | None = None):
        self.tool = tool_client
        self.private_key = new_private_key_pem()
        self.received_scores: list[dict] = []
        self.members: list[dict] = []
        self.is_down = False
        self.next_launch: dict = {}  # what the next browser launch is (see /auth)
        self.deep_link_answers: list[str] = []
        self.tool_keys = tool_client.get("/lti/jwks.json").get_json()
        self.server = make_server("127.0.0.1", 0, self.wsgi)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.issuer = issuer or self.base
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # What `course lti add-platform` is given for this LMS.
    def registration_args(self) -> list[str]:
        return [
            "--issuer", self.issuer,
            "--client-id", CLIENT_ID,
            "--auth-url", f"{self.base}/auth",
            "--token-url", f"{self.base}/token",
            "--jwks-url", f"{self.base}/jwks",
        ]  # fmt: skip

    def conf(self, *, launch_url: str, deep_link_url: str | None = None, private_key=None):
        return PlatformConf(
            issuer=self.issuer,
            client_id=CLIENT_ID,
            deployment_id=DEPLOYMENT_ID,
            login_url="http://localhost/lti/login",
            launch_url=launch_url,
            deep_link_url=deep_link_url,
            private_key=private_key or self.private_key,
            tool_key_set=self.tool_keys,
        )

    def login(self, target: str, *, method: str = "GET") -> dict:
        """Start a login at the tool; return the auth request it redirected to (its query)."""
        params = {
            "iss": self.issuer,
            "login_hint": "hint",
            "target_link_uri": target,
            "lti_message_hint": "message",
            "client_id": CLIENT_ID,
            "lti_deployment_id": DEPLOYMENT_ID,
        }
        if method == "GET":
            response = self.tool.get("/lti/login?" + urlencode(params))
        else:
            response = self.tool.post("/lti/login", data=params)
        assert response.status_code == 302, response.text
        location = urlsplit(response.headers["Location"])
        assert f"{location.scheme}://{location.netloc}{location.path}" == f"{self.base}/auth"
        return {key: values[0] for key, values in parse_qs(location.query).items()}

    def launch_form(
        self,
        target: str,
        *,
        sub: str = "learner-1",
        roles=(LEARNER,),
        name="Ada Learner",
        email="ada@lms.example",
        resource_link="link-1",
        deep_link: bool = False,
        claims: dict | None = None,
        private_key: str | None = None,
        login_method: str = "GET",
        auth_request: dict | None = None,
    ) -> dict:
        """Log in at the tool and return the signed launch (id_token and state) to post back."""
        auth_request = auth_request or self.login(target, method=login_method)
        conf = self.conf(
            launch_url=target,
            deep_link_url="http://localhost/lti/launch" if deep_link else None,
            private_key=private_key,
        )
        request = PlainRequest(
            {"method": "POST", "form_data": auth_request, "get_data": auth_request}
        )
        launcher = Launcher(request, conf)
        launcher.set_user_data(sub, list(roles), full_name=name, email_address=email)
        launcher.set_resource_link_claim(resource_link)
        launcher.set_launch_context_claim(
            "course-101", context_title="Product roles", context_label="PM101"
        )
        launcher.set_ags(
            lineitems_url=f"{self.base}/lineitems",
            lineitem_url=f"{self.base}/lineitems/{resource_link}",
        )
        launcher.set_nrps(f"{self.base}/memberships")
        if deep_link:
            launcher.set_dl(f"{self.base}/deep-link-return", title="Pick", extra_data={"k": "v"})
        if claims:
            launcher.set_extra_claims(claims)
        form = launcher.lti_launch()
        return {"id_token": form["id_token"], "state": form["state"]}

    def take_deep_link(self, jwt: str) -> list[dict]:
        """Check a tool's deep-linking answer as the platform does; return its content items."""
        conf = self.conf(launch_url="http://localhost/")
        conf.get_registration()
        return conf.validate_deeplinking_resp({"JWT": jwt})

    def wsgi(self, environ, start_response):
        request = WsgiRequest(environ)
        if self.is_down:
            return WsgiResponse("down", status=503)(environ, start_response)
        conf = self.conf(launch_url="http://localhost/")
        conf.get_registration()
        plain = PlainRequest(
            {
                "method": request.method,
                "form_data": dict(request.form),
                "get_data": dict(request.args),
                "headers": dict(request.headers),
                "content_type": request.content_type,
                "path": request.path,
                "json": request.get_json(silent=True),
            }
        )
        if request.path == "/auth":  # a browser arrives from the tool's login redirect
            form = self.launch_form(
                self.next_launch.pop("target"), auth_request=dict(request.args), **self.next_launch
            )
            page = (
                f'<!doctype html><title>LMS</title><form method="post" '
                f'action="{html.escape(request.args["redirect_uri"])}">'
                + "".join(
                    f'<input type="hidden" name="{name}" value="{html.escape(value)}">'
                    for name, value in form.items()
                )
                + "<button>Continue</button></form><script>document.forms[0].submit()</script>"
            )
            return WsgiResponse(page, content_type="text/html")(environ, start_response)
        if request.path == "/deep-link-return":
            self.deep_link_answers.append(request.form["JWT"])
            page = "<!doctype html><title>LMS</title><h1>Placed</h1>"
            return WsgiResponse(page, content_type="text/html")(environ, start_response)
        if request.path == "/jwks":
            body, status = {"keys": conf.get_jwks()["keys"]}, 200
        elif request.path == "/token":
            body, status = conf.get_access_token(dict(request.form)), 200
        elif request.path.startswith("/lineitems/") and request.path.endswith("/scores"):
            line_item = request.path.split("/")[2]
            service = Grades(plain, conf, f"{self.base}/lineitems", received=self.received_scores)
            answer = service.handle_resp(service.handle_update_score, line_item_id=line_item)
            body, status = answer.result, answer.code
        elif request.path == "/memberships":
            service = Roster(plain, conf, f"{self.base}/memberships", members=self.members)
            answer = service.handle_resp(service.handle_get_members)
            body, status = answer.result, answer.code
        else:
            body, status = None, 404
        response = WsgiResponse(
            json.dumps(body) if body is not None else "", status=status,
            content_type="application/json",
        )  # fmt: skip
        return response(environ, start_response)
