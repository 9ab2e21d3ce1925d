"""Prompt intent: one prompt, what to see and what to hear, deterministically."""

from __future__ import annotations

import pytest

from vtrack.audio.base import STEMS_4, STEMS_6
from vtrack.pipelines.prompt_intent import parse_prompt


@pytest.mark.parametrize(
    ("prompt", "visual", "stem", "complement"),
    [
        ("isolate drums", "drummer", "drums", False),
        ("drummer", "drummer", "drums", False),
        ("Can you isolate the DRUMS, please?", "drummer", "drums", False),
        ("the drum kit", "drummer", "drums", False),
        ("vocals", "singer", "vocals", False),
        ("singer", "singer", "vocals", False),
        ("the voice", "singer", "vocals", False),
        ("singing", "singer", "vocals", False),
        ("bass", "bassist", "bass", False),
        ("bassists", "bassist", "bass", False),
        ("isolate the bass guitar", "bassist", "bass", False),
        ("guitar", "guitarist", "other", False),
        ("guitarists", "guitarist", "other", False),
        ("piano", "pianist", "other", False),
        ("keys", "pianist", "other", False),
        ("pianist", "pianist", "other", False),
        ("everything but drums", "drummer", "drums", True),
        ("remove the vocals", "singer", "vocals", True),
        ("without drums", "drummer", "drums", True),
        ("mute the bass!", "bassist", "bass", True),
        ("karaoke", None, "vocals", True),
        ("Karaoke version please", None, "vocals", True),
        ("red car", "red car", None, False),
        ("the person on the left", "person on left", None, False),
        ("please track the red car", "red car", None, False),
    ],
)
def test_rules(prompt: str, visual: str | None, stem: str | None, complement: bool) -> None:
    intent = parse_prompt(prompt, STEMS_4)
    assert (intent.visual_query, intent.stem, intent.complement) == (visual, stem, complement)
    assert intent.explanation


def test_six_stem_models_keep_guitar_and_piano() -> None:
    assert parse_prompt("isolate the guitar", STEMS_6).stem == "guitar"
    assert parse_prompt("pianist", STEMS_6).stem == "piano"
    assert "other" in parse_prompt("isolate the guitar", STEMS_4).explanation


def test_deterministic_and_empty() -> None:
    assert parse_prompt("isolate drums", STEMS_4) == parse_prompt("isolate drums", STEMS_4)
    empty = parse_prompt("   ", STEMS_4)
    assert empty.visual_query is None and empty.stem is None
