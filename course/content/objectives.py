"""Lesson objectives and the questions that assess them, checked across files.

A question's ``objective: <lesson-slug>#<id>`` that points at no objective is an
error at the question's ``objective`` line; an objective with an id that no
question assesses is a warning at the lesson's objective line (the objective
is either untested or its questions forgot to say so).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from course.content.model import Lesson, Quiz
from course.content.problems import WARNING, Problem


def check_objectives(
    lessons: Mapping[str, Lesson | None], quizzes: Iterable[Quiz]
) -> list[Problem]:
    """Return the errors and warnings about objectives; ``lessons`` maps each slug to its lesson.

    A lesson that failed to load maps to None: references to it are left to its own errors.
    """
    quizzes = list(quizzes)
    problems = []
    assessed = set()
    for quiz in quizzes:
        for question in quiz.questions:
            reference = question.objective
            if reference is None:
                continue
            assessed.add((reference.lesson, reference.id))
            if reference.lesson in lessons and lessons[reference.lesson] is None:
                continue
            lesson = lessons.get(reference.lesson)
            if lesson is None:
                message = f"there is no lesson '{reference.lesson}'"
            elif lesson.objective(reference.id) is None:
                ids = ", ".join(each.id for each in lesson.objectives if each.id) or "none"
                message = (
                    f"lesson '{reference.lesson}' has no objective '{reference.id}' "
                    f"(its objective ids: {ids})"
                )
            else:
                continue
            problems.append(
                Problem(
                    quiz.path,
                    reference.line,
                    f"the objective '{reference}' of question '{question.id}' points "
                    f"nowhere: {message}",
                )
            )
    for slug, lesson in lessons.items():
        for objective in lesson.objectives if lesson else ():
            if objective.id and (slug, objective.id) not in assessed:
                problems.append(
                    Problem(
                        lesson.path,
                        objective.line,
                        f"no question assesses objective '{objective.id}': add "
                        f"'objective: {slug}#{objective.id}' to a question that does, or "
                        "remove the id",
                        WARNING,
                    )
                )
    return problems
