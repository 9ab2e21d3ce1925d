"""Domain errors raised by the core; the API maps each to an HTTP status in one place."""

from __future__ import annotations


class VTrackError(Exception):
    """Base class for errors a person should see as a clear message."""

    http_status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(VTrackError):
    """A request field is missing or out of range."""

    http_status = 400


class UnsupportedVideo(VTrackError):
    """The upload is not a video we can decode (wrong type, corrupt container, no video stream)."""

    http_status = 415


class VideoTooLarge(VTrackError):
    """The upload exceeds the configured byte limit."""

    http_status = 413


class VideoTooLong(VTrackError):
    """The video is longer than the configured duration limit."""

    http_status = 400


class VideoTruncated(InvalidInput):
    """The file stops before the end its container declares (a download or copy cut short)."""


class PromptNotUnderstood(VTrackError):
    """The engine cannot ground a text prompt; the message says what it can do instead."""

    http_status = 422

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        super().__init__(message)
        self.suggestions = suggestions or []


class PromptAmbiguous(PromptNotUnderstood):
    """The prompt names one of several things found and the engine cannot tell which one.

    The message says what was found and how sure the engine is; asking again on another frame
    does not help (the evidence was the whole clip).
    """


class EngineUnavailable(VTrackError):
    """A requested engine cannot run here (package, checkpoint or GPU missing)."""

    http_status = 503


class JobCancelled(VTrackError):
    """Raised inside a pipeline when its job was cancelled."""

    http_status = 409


class QueueFull(VTrackError):
    """Too many jobs are waiting; the client should retry later."""

    http_status = 503
