"""Fixtures for the content package's tests: the fixture course and broken copies of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.content.broken_copies import FIXTURE_COURSE, CourseCopy


@pytest.fixture
def fixture_course() -> Path:
    """Return the fixture course's directory (read-only: copy it to change it)."""
    return FIXTURE_COURSE


@pytest.fixture
def course_copy(tmp_path: Path) -> CourseCopy:
    """Return a writable copy of the fixture course."""
    return CourseCopy(tmp_path / "course")
