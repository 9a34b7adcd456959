"""Question types, one module each, registered by name in ``QUESTION_TYPES``.

A new type is one new module in this package: defining its class registers it.
"""

import importlib
import pkgutil

from course.content.question_types.base import (
    QUESTION_TYPES,
    AnswerError,
    Grade,
    QuestionType,
    ResponseCount,
)

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["QUESTION_TYPES", "AnswerError", "Grade", "QuestionType", "ResponseCount"]
