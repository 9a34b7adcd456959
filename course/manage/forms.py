"""The manager's forms."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, EmailField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from course.auth.details import EMAIL_MAX_LENGTH
from course.auth.forms import email_address, printable


class CohortForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120), printable])
    starts_on = DateField("Starts on", validators=[Optional()])
    due_on = DateField("Due on", validators=[Optional()])
    submit = SubmitField("Create cohort")

    def validate_due_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("The due date comes before the start date.")


class DueDateForm(FlaskForm):
    due_on = DateField("New due date", validators=[DataRequired("Choose a date.")])
    submit = SubmitField("Extend due date")

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def validate_due_on(self, field):
        if self.today is not None and field.data < self.today:
            raise ValidationError("Choose today or a later date.")


class AddLearnersForm(FlaskForm):
    people = TextAreaField(
        "Learners", validators=[DataRequired(), Length(max=50_000)], render_kw={"rows": 5}
    )
    submit = SubmitField("Add learners")


class RosterForm(FlaskForm):
    roster = FileField("Roster file (CSV)", validators=[FileRequired("Choose a CSV file.")])
    submit = SubmitField("Import roster")


class AddManagerForm(FlaskForm):
    email = EmailField(
        "Manager's email",
        validators=[DataRequired(), Length(max=EMAIL_MAX_LENGTH), email_address],
    )
    submit = SubmitField("Add manager")
