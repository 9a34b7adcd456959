"""``course lti``: register an LMS, print what it needs, send the scores still queued."""

from __future__ import annotations

from urllib.parse import urlsplit

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from course.db import new_session
from course.lti.grades import deliver_grades, pending_count
from course.lti.keys import key_path, tool_key
from course.lti.models import LtiPlatform

lti_cli = AppGroup("lti", help="Launch the course from an LMS (LTI 1.3).")


def _check_url(value: str, option: str) -> str:
    value = value.strip()
    try:
        parts = urlsplit(value)
        is_url = parts.scheme in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018 - reading it checks that the port is a number
    except ValueError:
        is_url = False
    if not is_url or parts.username or parts.password:
        raise click.BadParameter(
            f"must be an http(s) address like https://lms.example.com/..., not {value!r}",
            param_hint=option,
        )
    return value


@lti_cli.command("add-platform")
@click.option("--issuer", required=True, help="The platform's issuer (iss), an address.")
@click.option("--client-id", required=True, help="The client id the platform gave the tool.")
@click.option("--auth-url", required=True, help="The platform's OIDC authorisation address.")
@click.option("--token-url", required=True, help="The platform's OAuth 2 token address.")
@click.option("--jwks-url", required=True, help="The platform's public keyset address.")
@click.option("--deployment-id", help="Accept launches from this deployment only.")
def add_platform(issuer, client_id, auth_url, token_url, jwks_url, deployment_id) -> None:
    """Register an LMS (an LTI 1.3 platform) that may launch the course; again to change it."""
    issuer = _check_url(issuer, "--issuer")
    values = {
        "auth_login_url": _check_url(auth_url, "--auth-url"),
        "auth_token_url": _check_url(token_url, "--token-url"),
        "key_set_url": _check_url(jwks_url, "--jwks-url"),
        "deployment_id": deployment_id.strip() if deployment_id else None,
    }
    client_id = client_id.strip()
    if not client_id or (deployment_id is not None and not deployment_id.strip()):
        raise click.BadParameter("must not be empty", param_hint="--client-id/--deployment-id")
    with new_session(write=True) as session:
        platform = session.scalar(
            select(LtiPlatform).where(
                LtiPlatform.issuer == issuer, LtiPlatform.client_id == client_id
            )
        )
        verb = "Updated"
        if platform is None:
            platform = LtiPlatform(issuer=issuer, client_id=client_id, **values)
            session.add(platform)
            verb = "Registered"
        else:
            for name, value in values.items():
                setattr(platform, name, value)
        session.commit()
    which = f"deployment {deployment_id} only" if deployment_id else "any deployment"
    click.echo(f"{verb} {issuer} (client {client_id}, {which}).")


@lti_cli.command("config")
def config() -> None:
    """Print the addresses and public key an LMS needs to register the course."""
    base_url = current_app.config["BASE_URL"]
    if not base_url:
        click.echo(
            "warning: COURSE_BASE_URL is not set; these addresses use http://localhost",
            err=True,
        )
        base_url = "http://localhost"
    key = tool_key()
    click.echo(f"Tool URL (target link URI):   {base_url}/")
    click.echo(f"Login URL (initiate login):   {base_url}/lti/login")
    click.echo(f"Redirect URI / launch URL:    {base_url}/lti/launch")
    click.echo(f"Deep linking URL:             {base_url}/lti/launch")
    click.echo(f"Public keyset URL (JWKS):     {base_url}/lti/jwks.json")
    click.echo(f"Public key (kept in {key_path()}):")
    click.echo(key.public_pem.rstrip())


@lti_cli.command("send-grades")
def send_grades() -> None:
    """Send the scores still queued for LMSs (each once); safe to run from cron."""
    delivery = deliver_grades()
    left = pending_count()
    click.echo(f"Sent {delivery.sent} scores; {left} still queued.")
    if delivery.failed:
        raise click.ClickException(
            f"{delivery.failed} scores could not be sent ({delivery.error}); "
            "they are tried again later."
        )
