"""The account forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from course.auth.details import (
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    PRINTABLE_ONLY,
    NotAnEmailError,
    is_printable,
    normalised_email,
)
from course.auth.passwords import MAX_LENGTH, password_problem


def printable(form, field):
    """Refuse control characters in a name (a person's or a cohort's)."""
    if field.data and not is_printable(field.data):
        raise ValidationError(PRINTABLE_ONLY)


def email_address(form, field):
    """Refuse what is not an email address, saying why."""
    if field.data:
        try:
            normalised_email(field.data)
        except NotAnEmailError as error:
            raise ValidationError(str(error)) from None


class NewPassword:
    """Validate a new password against the password rules."""

    def __call__(self, form, field):
        others = tuple(
            getattr(form, name).data or "" for name in ("email", "name") if hasattr(form, name)
        )
        problem = password_problem(field.data or "", user_inputs=others)
        if problem:
            raise ValidationError(problem)


class SignInForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=EMAIL_MAX_LENGTH)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    submit = SubmitField("Sign in")


class RegisterForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=NAME_MAX_LENGTH), printable])
    email = EmailField(
        "Email", validators=[DataRequired(), Length(max=EMAIL_MAX_LENGTH), email_address]
    )
    password = PasswordField("Password", validators=[DataRequired(), NewPassword()])
    submit = SubmitField("Create account")


class NameForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=NAME_MAX_LENGTH), printable])
    submit = SubmitField("Save name")


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired(), Length(max=MAX_LENGTH)]
    )
    password = PasswordField("New password", validators=[DataRequired(), NewPassword()])
    confirm = PasswordField(
        "Repeat new password",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
    )
    submit = SubmitField("Change password")


class SetPasswordForm(FlaskForm):
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    confirm = PasswordField(
        "Repeat password",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
    )
    submit = SubmitField("Set password")

    def __init__(self, *args, user_inputs: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.user_inputs = user_inputs  # the account's name and email, which a password must avoid

    def validate_password(self, field):
        problem = password_problem(field.data or "", user_inputs=self.user_inputs)
        if problem:
            raise ValidationError(problem)
