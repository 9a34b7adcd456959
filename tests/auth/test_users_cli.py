"""``course users create``."""

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
