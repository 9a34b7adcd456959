"""``single``: pick one option; exactly one is correct."""

from __future__ import annotations

from wtforms import RadioField, SelectChoice

from course.content.model import Question
from course.content.question_types.base import (
    AnswerError,
    QuestionType,
    fraction_grade,
    option_review,
    option_summary,
    ordered,
    parse_options,
    single_value,
)


class SingleChoice(QuestionType):
    name = "single"
    keys = ("options",)

    def parse(self, raw, common, source, where):
        options = parse_options(source, raw, where)
        if options is None:
            return None
        correct = sum(option.correct for option in options)
        if correct != 1:
            source.problem(
                raw.line_of("options"),
                f"{where} is 'single' and needs exactly one correct option, not {correct}",
            )
            return None
        return Question(type=self.name, options=options, **common)

    def grade(self, question, answer):
        option = question.option(answer) if isinstance(answer, str) else None
        return fraction_grade(question, 1.0 if option is not None and option.correct else 0.0)

    def form_field(self, question, rng, label):
        return RadioField(
            label, choices=[SelectChoice(o.id, o.text) for o in ordered(question.options, rng)]
        )

    def read_answer(self, question, field):
        value = single_value(field)
        if value is not None and question.option(value) is None:
            raise AnswerError(f"'{value[:40]}' is not an option of this question.")
        return value

    def review(self, question, answer, grade):
        return option_review(question, {answer} if answer else set())

    def summarise(self, question, answers):
        return option_summary(question, [{a} for a in answers if isinstance(a, str)])
