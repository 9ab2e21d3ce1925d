"""VTrackAI Studio: local-first semantic video and audio editor."""

__version__ = "0.1.0"
