"""Workflows that compose media I/O and engines: point-to-track, text-to-video, object removal."""
