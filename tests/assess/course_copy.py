"""The fixture course with the assessment fixtures added: tests/data/assess/*.yaml.

The fixture course itself stays as many tests count on it; this copy adds each
assessment quiz as an optional item at the end of its last module.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import FIXTURE_COURSE

ASSESS_FIXTURES = FIXTURE_COURSE.parent / "assess"


def assessment_course(root: Path) -> Path:
    """Copy the fixture course to ``root`` with every assessment quiz in its outline."""
    shutil.copytree(FIXTURE_COURSE, root)
    outline = root / "lessons" / "course.yaml"
    entries = ""
    for quiz in sorted(ASSESS_FIXTURES.glob("*.yaml")):
        shutil.copy(quiz, root / "quizzes" / quiz.name)
        entries += f"      - quiz: {quiz.stem}\n        required: false\n"
    outline.write_text(outline.read_text(encoding="utf-8") + entries, encoding="utf-8")
    return root
