"""``multiple``: pick every right option; all-or-nothing unless ``partial: true``."""

from __future__ import annotations

from wtforms import SelectChoice, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from course.content.fields import read_boolean
from course.content.model import Question
from course.content.question_types.base import (
    AnswerError,
    QuestionType,
    fraction_grade,
    option_review,
    option_summary,
    ordered,
    parse_options,
)


class MultipleChoice(QuestionType):
    name = "multiple"
    keys = ("options", "partial")

    def parse(self, raw, common, source, where):
        partial = read_boolean(source, raw, "partial", where, default=False)
        options = parse_options(source, raw, where)
        if options is None:
            return None
        if not any(option.correct for option in options):
            source.problem(
                raw.line_of("options"),
                f"{where} is 'multiple' and needs at least one correct option",
            )
            return None
        return Question(type=self.name, options=options, partial=bool(partial), **common)

    def grade(self, question, answer):
        if not isinstance(answer, set | frozenset):
            return fraction_grade(question, 0.0)
        correct_ids = {option.id for option in question.options if option.correct}
        incorrect_ids = {option.id for option in question.options if not option.correct}
        right_picks = len(correct_ids & answer)
        wrong_picks = len(incorrect_ids & answer)
        if not question.partial:
            is_exact = right_picks == len(correct_ids) and wrong_picks == 0
            return fraction_grade(question, 1.0 if is_exact else 0.0)
        return fraction_grade(question, (right_picks - wrong_picks) / len(correct_ids))

    def form_field(self, question, rng, label):
        return SelectMultipleField(
            label,
            choices=[SelectChoice(o.id, o.text) for o in ordered(question.options, rng)],
            widget=ListWidget(prefix_label=False),
            option_widget=CheckboxInput(),
        )

    def read_answer(self, question, field):
        picked = {value for value in field.raw_data or [] if value != ""}
        if not picked:
            return None
        unknown = sorted(picked - {option.id for option in question.options})
        if unknown:
            raise AnswerError(f"'{unknown[0][:40]}' is not an option of this question.")
        return frozenset(picked)

    def answer_to_json(self, answer):
        return sorted(answer) if answer is not None else None

    def review(self, question, answer, grade):
        return option_review(question, set(answer or ()))

    def summarise(self, question, answers):
        return option_summary(question, [set(a) for a in answers if isinstance(a, list)])
