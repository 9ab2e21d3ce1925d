"""Audio engine registry: availability without heavy imports, auto choice, clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from vtrack.audio.registry import audio_engines, load_separator
from vtrack.config import Settings
from vtrack.errors import EngineUnavailable


def test_lists_engines_with_reasons(settings: Settings) -> None:
    engines = {e.name: e for e in audio_engines(settings)}
    assert list(engines) == ["demucs", "embedded"]
    demucs = engines["demucs"]
    assert not demucs.available and demucs.reason  # no local weights folder configured
    assert engines["embedded"].available and engines["embedded"].embedded
    assert demucs.as_dict()["reason"] == demucs.reason


def test_auto_falls_back_to_embedded(settings: Settings) -> None:
    sep = load_separator(settings)
    assert sep.name == "embedded" and sep.sums_to_mix


def test_explicit_choices(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(EngineUnavailable, match="demucs"):
        load_separator(settings.model_copy(update={"audio_engine": "demucs"}))
    with pytest.raises(EngineUnavailable, match="unknown audio engine"):
        load_separator(settings.model_copy(update={"audio_engine": "spleeter5"}))
    empty = settings.model_copy(update={"demucs_repo": tmp_path})
    engines = {e.name: e for e in audio_engines(empty)}
    assert "not found" in engines["demucs"].reason
    assert (
        load_separator(settings.model_copy(update={"audio_engine": "Embedded"})).name == "embedded"
    )
