"""Question types, one module each, registered by name in ``QUESTION_TYPES``.

A new type is one new module in this package (its ``Question`` subclass,
decorated with ``register``) and one template,
``templates/learn/question_types/<type>.html``, with its ``input`` and
``review`` macros. Nothing else names a type.
"""

import importlib
import pkgutil

from course.content.question_types.base import (
    QUESTION_TYPES,
    AnswerError,
    Grade,
    Question,
    ResponseCount,
    register,
    template_name,
)

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = [
    "QUESTION_TYPES",
    "AnswerError",
    "Grade",
    "Question",
    "ResponseCount",
    "register",
    "template_name",
]
