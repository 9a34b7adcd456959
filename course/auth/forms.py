"""The account forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from course.auth.passwords import MAX_LENGTH, password_problem


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
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    submit = SubmitField("Sign in")


class RegisterForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), NewPassword()])
    submit = SubmitField("Create account")


class NameForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
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
