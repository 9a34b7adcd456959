"""The form a quiz is taken in: one field per question, and reading it back strictly."""

from __future__ import annotations

import random

from werkzeug.datastructures import MultiDict
from wtforms.form import BaseForm

from course.content.model import Quiz
from course.content.question_types import AnswerError

# Keys every quiz form sends besides the answers.
FORM_KEYS = {"csrf_token", "attempt"}


def field_name(question_id: str) -> str:
    return f"q-{question_id}"


def build_quiz_form(quiz: Quiz, seed: str | None, formdata: MultiDict | None) -> BaseForm:
    """Build the quiz's form; with ``shuffle`` the seed fixes the order for one attempt."""
    rng = random.Random(seed) if quiz.shuffle and seed is not None else None  # noqa: S311  (order, not secrecy)
    fields = [
        (field_name(question.id), question.form_field(rng, f"Question {number}"))
        for number, question in enumerate(quiz.questions, start=1)
    ]
    form = BaseForm(fields)
    form.process(formdata)
    return form


def read_answers(quiz: Quiz, form: BaseForm, formdata: MultiDict) -> tuple[dict, list[str]]:
    """Return (answers by question id, ids left unanswered); AnswerError on anything forged."""
    expected = set(FORM_KEYS)
    for question in quiz.questions:
        expected |= question.field_names(field_name(question.id))
    unknown = sorted(set(formdata.keys()) - expected)
    if unknown:
        raise AnswerError(
            f"The form answers a question that is not in this quiz: '{unknown[0][:60]}'."
        )
    answers, missing = {}, []
    for question in quiz.questions:
        field = form[field_name(question.id)]
        answer = question.read_answer(field)
        if answer is None:
            missing.append(question.id)
        else:
            answers[question.id] = answer
    return answers, missing
