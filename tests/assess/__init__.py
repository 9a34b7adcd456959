"""Tests for assessments: reflections, item-writing checks, objectives, draws, versions."""
