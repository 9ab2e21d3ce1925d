"""The embedded CPU inpainters: temporal background propagation (default) and per-frame Telea."""

from vtrack.inpaint.embedded.engine import EmbeddedInpainter
from vtrack.inpaint.embedded.telea import TeleaInpainter

__all__ = ["EmbeddedInpainter", "TeleaInpainter"]
