"""Deterministic prompt understanding: one prompt, two intents (what to see in the video, what to hear).

"isolate the drums" -> look for a drummer, keep the drums stem. "karaoke" -> no visual target,
keep everything but the vocals. "red car" -> a visual target only. No model: word rules, so the
same prompt always means the same thing and the explanation says why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# word -> (stem wanted, visual query). Plurals are handled by `_singular`.
_INSTRUMENTS: dict[str, tuple[str, str]] = {
    "drum": ("drums", "drummer"),
    "drummer": ("drums", "drummer"),
    "drumming": ("drums", "drummer"),
    "drumkit": ("drums", "drummer"),
    "percussion": ("drums", "drummer"),
    "percussionist": ("drums", "drummer"),
    "beat": ("drums", "drummer"),
    "vocal": ("vocals", "singer"),
    "vocalist": ("vocals", "singer"),
    "singer": ("vocals", "singer"),
    "singing": ("vocals", "singer"),
    "sing": ("vocals", "singer"),
    "voice": ("vocals", "singer"),
    "vox": ("vocals", "singer"),
    "lyric": ("vocals", "singer"),
    "bass": ("bass", "bassist"),
    "bassist": ("bass", "bassist"),
    "bassline": ("bass", "bassist"),
    "guitar": ("guitar", "guitarist"),
    "guitarist": ("guitar", "guitarist"),
    "piano": ("piano", "pianist"),
    "pianist": ("piano", "pianist"),
    "keys": ("piano", "pianist"),
    "keyboard": ("piano", "pianist"),
    "keyboardist": ("piano", "pianist"),
}

# Two-word phrases checked before single words ("bass guitar" is the bass, not a guitar).
_PHRASES: dict[str, tuple[str, str]] = {
    "bass guitar": ("bass", "bassist"),
    "electric bass": ("bass", "bassist"),
    "drum kit": ("drums", "drummer"),
    "lead vocal": ("vocals", "singer"),
    "backing vocal": ("vocals", "singer"),
}

# Words that flip the request to "everything except the stem".
_COMPLEMENT_WORDS = {"without", "except", "remove", "mute", "minus", "no", "kill", "strip", "drop"}
_COMPLEMENT_PHRASES = ("everything but", "all but", "get rid of", "take out", "cut out")
_KARAOKE_WORDS = {"karaoke", "instrumental", "accompaniment"}
_ACAPELLA_WORDS = {"acapella", "a cappella", "acappella"}

# Filler stripped from a purely visual prompt ("please track the red car" -> "red car").
_FILLER = {
    "a", "an", "the", "please", "can", "could", "would", "you", "me", "i", "want", "to", "just",
    "only", "isolate", "isolating", "track", "tracking", "follow", "find", "show", "select",
    "highlight", "segment", "separate", "extract", "solo", "keep", "hear", "listen", "give",
    "let", "us", "of", "in", "and", "for", "with", "this", "that", "video", "clip", "sound",
    "audio", "stem", "part", "out", "remove", "erase", "delete", "hide", "blur", "cut",
}  # fmt: skip

_STEM_ALIASES = {"guitar": "other", "piano": "other"}


@dataclass(frozen=True)
class PromptIntent:
    """What to look for in the picture, which stem to hear, and a human explanation."""

    visual_query: str | None
    stem: str | None
    complement: bool
    explanation: str


def _normalise(text: str) -> str:
    text = text.lower().replace("’", "'")
    text = re.sub(r"a[\s-]?cap+ell+a", "acapella", text)
    text = re.sub(r"[^a-z0-9'\s-]", " ", text)
    text = text.replace("-", " ")
    return re.sub(r"\s+", " ", text).strip()


def _singular(word: str) -> str:
    if word in _INSTRUMENTS or word in _KARAOKE_WORDS:
        return word
    for suffix, repl in (("ies", "y"), ("ses", "s"), ("s", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            cand = word[: -len(suffix)] + repl
            if cand in _INSTRUMENTS:
                return cand
    return word


def _resolve_stem(stem: str, available: tuple[str, ...]) -> str:
    """Guitar/piano map to "other" unless the model separates them (6-stem Demucs)."""
    if stem in available or not available:
        return stem
    alias = _STEM_ALIASES.get(stem)
    return alias if alias and alias in available else stem


def _find_instrument(words: list[str]) -> tuple[str, str] | None:
    """(wanted stem, visual target) of the first instrument phrase or word named, else None."""
    joined = " ".join(words)
    for phrase, target in _PHRASES.items():
        if re.search(rf"\b{phrase}\b", joined):
            return target
    return next((_INSTRUMENTS[w] for w in words if w in _INSTRUMENTS), None)


def _instrument_intent(
    found: tuple[str, str], complement: bool, available_stems: tuple[str, ...]
) -> PromptIntent:
    """The intent for a named instrument: isolate its stem (or remove it) and track its player."""
    wanted, visual = found
    stem = _resolve_stem(wanted, available_stems)
    mapped = f" (no separate {wanted} stem, so the '{stem}' stem)" if stem != wanted else ""
    if complement:
        explanation = (
            f"Removing the {stem} stem{mapped}: you hear everything else; "
            f"tracking the {visual} in the picture."
        )
    else:
        explanation = f"Isolating the {stem} stem{mapped} and tracking the {visual} in the picture."
    return PromptIntent(visual, stem, complement, explanation)


def parse_prompt(text: str, available_stems: tuple[str, ...] = ()) -> PromptIntent:
    """Split a prompt into a visual query and an audio stem request (see module docstring)."""
    norm = _normalise(text or "")
    words = [_singular(w) for w in norm.split()]
    joined = " ".join(words)
    found = _find_instrument(words)
    karaoke = any(w in _KARAOKE_WORDS for w in words)
    complement = any(w in _COMPLEMENT_WORDS for w in words) or any(
        p in joined for p in _COMPLEMENT_PHRASES
    )
    if found is not None:
        return _instrument_intent(found, complement or karaoke, available_stems)
    if karaoke:
        stem = _resolve_stem("vocals", available_stems)
        return PromptIntent(
            None, stem, True, "Karaoke: keeping everything except the vocals; no visual target."
        )
    if "acapella" in words:
        stem = _resolve_stem("vocals", available_stems)
        return PromptIntent(
            "singer", stem, False, "A cappella: isolating the vocals and tracking the singer."
        )

    # Purely visual: keep the user's wording minus filler words.
    kept = [w for w in norm.split() if w not in _FILLER]
    visual_query = " ".join(kept) or None
    if visual_query is None:
        return PromptIntent(None, None, False, "No visual target or instrument recognised.")
    return PromptIntent(
        visual_query, None, False, f"Tracking '{visual_query}' in the picture; audio unchanged."
    )
