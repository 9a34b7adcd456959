"""``true_false``: say whether a statement is true."""

from __future__ import annotations

from wtforms import RadioField, SelectChoice

from course.content.fields import read_boolean
from course.content.model import Question
from course.content.question_types.base import (
    AnswerError,
    QuestionType,
    ResponseCount,
    fraction_grade,
    review_base,
    single_value,
)

VALUES = {"true": True, "false": False}


class TrueFalse(QuestionType):
    name = "true_false"
    keys = ("answer",)

    def parse(self, raw, common, source, where):
        answer = read_boolean(source, raw, "answer", where, default=None, required=True)
        if answer is None:
            return None
        return Question(type=self.name, answer=answer, **common)

    def grade(self, question, answer):
        is_right = isinstance(answer, bool) and answer == question.answer
        return fraction_grade(question, 1.0 if is_right else 0.0)

    def form_field(self, question, rng, label):
        return RadioField(
            label, choices=[SelectChoice("true", "True"), SelectChoice("false", "False")]
        )

    def read_answer(self, question, field):
        value = single_value(field)
        if value is None:
            return None
        if value not in VALUES:
            raise AnswerError("A true or false question takes true or false.")
        return VALUES[value]

    def review(self, question, answer, grade):
        rows = [
            {
                "label": label,
                "is_picked": answer is value,
                "is_expected": question.answer is value,
                "feedback_html": "",
            }
            for label, value in (("True", True), ("False", False))
        ]
        return review_base(question, "options", rows)

    def summarise(self, question, answers):
        return [
            ResponseCount(label, sum(a is value for a in answers), question.answer is value)
            for label, value in (("True", True), ("False", False))
        ]
