"""Fixtures for the terminal UI's tests."""

from __future__ import annotations

import functools

import pytest

from game.ai import forecast


@pytest.fixture
def cheap_forecasts(monkeypatch):
    """Previews (numbers and paths), advice and the game-over comparison on a few games instead of hundreds."""
    preview, compare = forecast.preview, forecast.compare_with_personas
    path = forecast.preview_path

    @functools.wraps(path)
    def small_path(game, move, side, n=8):
        return path(game, move, side, n=min(n, 8))

    @functools.wraps(preview)
    def small_preview(game, move, side, n=8):
        return preview(game, move, side, n=min(n, 8))

    @functools.wraps(compare)
    def small_compare(game, side, opponent, n=4):
        return compare(game, side, opponent, min(n, 4))

    monkeypatch.setattr(forecast, "preview", small_preview)
    monkeypatch.setattr(forecast, "preview_path", small_path)
    monkeypatch.setattr(forecast, "compare_with_personas", small_compare)
