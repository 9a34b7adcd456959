"""``course users create``."""

import pytest

from course.auth.models import Role, User
from course.db import new_session


def test_create_manager_with_password_on_stdin(runner, app):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Boss@Example.com",
            "--name",
            "The Boss",
            "--role",
            "manager",
            "--password-stdin",
        ],
        input="a sturdy passphrase 42\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created manager boss@example.com" in result.output
    with app.app_context(), new_session() as session:
        user = session.query(User).one()
    assert user.role == Role.MANAGER
    assert user.name == "The Boss"


def test_create_refuses_weak_password(runner):
    result = runner.invoke(
        args=["users", "create", "a@example.com", "--name", "A", "--password-stdin"],
        input="password\n",
    )
    assert result.exit_code == 1
    assert "password refused" in result.output


def test_create_refuses_duplicate(runner, make_user):
    make_user(email="taken@example.com")
    result = runner.invoke(
        args=["users", "create", "TAKEN@example.com", "--name", "B", "--password-stdin"],
        input="a sturdy passphrase 42\n",
    )
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_create_prompts_for_password(runner, app):
    result = runner.invoke(
        args=["users", "create", "c@example.com", "--name", "C"],
        input="a sturdy passphrase 42\na sturdy passphrase 42\n",
    )
    assert result.exit_code == 0, result.output


def create(runner, email="ada@example.com", name="Ada Lovelace"):
    return runner.invoke(
        args=["users", "create", email, "--name", name, "--password-stdin"],
        input="a sturdy passphrase 42\n",
    )


def account_count(app):
    with app.app_context(), new_session() as session:
        return session.query(User).count()


@pytest.mark.parametrize(
    ("email", "why"),
    [
        ("@", "There must be something before the @-sign."),
        ("a@b", "The part after the @-sign is not valid. It should have a period."),
        ("x@@y", "The part after the @-sign contains invalid characters: '@'."),
        ("ada@" + "x" * 250 + ".org", "It is longer than 254 characters."),
    ],
)
def test_create_refuses_what_is_not_an_email_as_the_forms_do(runner, app, email, why):
    result = create(runner, email=email)
    assert result.exit_code == 1
    assert f"Error: {email!r} is not an email address: {why}" in result.output
    assert "Traceback" not in result.output
    assert account_count(app) == 0


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("Ada\tLovelace", "Use letters, digits, spaces and punctuation only."),
        ("Ada\x1b[2J", "Use letters, digits, spaces and punctuation only."),
        ("Ada\x7f", "Use letters, digits, spaces and punctuation only."),
        ("  ", "A name is needed."),
        ("A" * 121, "Use at most 120 characters."),
    ],
)
def test_create_refuses_names_the_forms_refuse(runner, app, name, why):
    result = create(runner, name=name)
    assert result.exit_code == 1
    assert f"Error: name refused: {why}" in result.output
    assert account_count(app) == 0
