"""The Demucs adapter without real weights: a tiny randomly initialised HT-Demucs saved as a local repo.

Checks the plumbing only (loading from a local folder, never the hub; shapes; resampling; stem
names; chunking; progress and cancel), since no pretrained Demucs weights can be had here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("demucs.api", reason="demucs==4.1.0 not installed (optional extra)")
torch = pytest.importorskip("torch")

from vtrack.audio.demucs_adapter import DemucsSeparator, demucs_unavailable_reason  # noqa: E402
from vtrack.errors import EngineUnavailable  # noqa: E402


@pytest.fixture(scope="module")
def tiny_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A local model folder in Demucs' own layout: `<sig>.th` package + `tiny.yaml` bag."""
    import yaml
    from demucs.htdemucs import HTDemucs

    torch.manual_seed(0)
    # 16 kHz model so that 44.1 kHz input must be resampled both ways; 1 s segments so a 3 s
    # clip is split by Demucs into several overlapping segments.
    model = HTDemucs(
        sources=["drums", "bass", "other", "vocals"],
        samplerate=16000,
        segment=1.0,
        channels=4,
        depth=4,
        t_layers=1,
        t_heads=2,
        dconv_comp=2,
        nfft=1024,
    )
    args, kwargs = model._init_args_kwargs
    repo = tmp_path_factory.mktemp("demucs_repo")
    package = {"klass": HTDemucs, "args": args, "kwargs": kwargs, "state": model.state_dict()}
    torch.save(package, repo / "0a1b2c3d.th")
    (repo / "tiny.yaml").write_text(yaml.safe_dump({"models": ["0a1b2c3d"]}))
    return repo


@pytest.fixture(scope="module")
def one_thread():
    # Tiny convolutions are dominated by thread hand-off; one thread keeps this test fast on 2 cores.
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_unavailable_reasons(tmp_path: Path, tiny_repo: Path) -> None:
    assert "VTRACK_DEMUCS_REPO" in demucs_unavailable_reason(None, "htdemucs")
    assert "does not exist" in demucs_unavailable_reason(tmp_path / "nope", "htdemucs")
    assert "not found" in demucs_unavailable_reason(tiny_repo, "htdemucs")
    assert demucs_unavailable_reason(tiny_repo, "tiny") == ""
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "htdemucs.yaml").write_text("models: ['955717e8']\n")
    assert "955717e8" in demucs_unavailable_reason(broken, "htdemucs")
    with pytest.raises(EngineUnavailable, match="not found"):
        DemucsSeparator(tiny_repo, "htdemucs")


def test_separates_with_resampling_and_progress(tiny_repo: Path, one_thread) -> None:
    sep = DemucsSeparator(tiny_repo, "tiny")
    assert sep.stems == ("drums", "bass", "other", "vocals") and sep.samplerate == 16000
    x = np.random.default_rng(0).uniform(-0.3, 0.3, (2, 3 * 44100)).astype(np.float32)
    seen: list[float] = []
    stems = sep.separate(x, 44100, progress=seen.append)
    assert set(stems) == set(sep.stems)
    for s in stems.values():
        assert s.shape == x.shape and s.dtype == np.float32 and np.all(np.isfinite(s))
    assert seen[0] == 0.0 and seen[-1] == 1.0 and len(seen) >= 4 and seen == sorted(seen)

    mono = x[:1, :22050]
    out = sep.separate(mono, 22050)  # mono in, mono out, at the caller's rate
    assert all(v.shape == (1, 22050) for v in out.values())


def test_long_audio_chunks_and_cancel(tiny_repo: Path, one_thread) -> None:
    sep = DemucsSeparator(tiny_repo, "tiny", chunk_seconds=2.5)
    sep.overlap_seconds = 0.5
    x = np.random.default_rng(1).uniform(-0.3, 0.3, (2, 5 * 16000)).astype(np.float32)
    seen: list[float] = []
    stems = sep.separate(x, 16000, progress=seen.append)
    assert all(v.shape == x.shape for v in stems.values())
    assert seen == sorted(seen) and seen[-1] == 1.0

    class Cancelled(Exception):
        pass

    def cancel(frac: float) -> None:
        if frac > 0:
            raise Cancelled

    with pytest.raises(Cancelled):
        sep.separate(x, 16000, progress=cancel)


def test_registry_prefers_local_demucs(tiny_repo: Path, settings) -> None:
    from vtrack.audio.registry import audio_engines, load_separator

    local = settings.model_copy(update={"demucs_repo": tiny_repo, "demucs_model": "tiny"})
    engines = {e.name: e for e in audio_engines(local)}
    assert engines["demucs"].available, engines["demucs"].reason
    assert load_separator(local).name == "demucs"


def test_health_checks_that_the_model_really_loads(tiny_repo: Path, tmp_path: Path) -> None:
    import shutil

    from vtrack.audio.demucs_adapter import verify_model
    from vtrack.engine_checks import checked
    from vtrack.engines import EngineInfo

    verify_model(tiny_repo, "tiny")  # Demucs' own loader reads our folder
    broken = tmp_path / "broken_repo"
    shutil.copytree(tiny_repo, broken)
    (broken / "0a1b2c3d.th").write_bytes(b"truncated download")
    with pytest.raises(EngineUnavailable, match="could not load 'tiny'.*Unpickling"):
        verify_model(broken, "tiny")

    def info(repo: Path) -> EngineInfo:
        from vtrack.audio.registry import audio_engines
        from vtrack.config import Settings

        settings = Settings(data_dir=tmp_path / "data", demucs_repo=repo, demucs_model="tiny")
        return {e.name: e for e in audio_engines(settings)}["demucs"]

    listed = info(broken)
    assert listed.available  # the files are there...
    reported = checked(listed, wait_s=30)
    assert not reported.available and "does not load" in reported.reason  # ...but do not load
    assert checked(info(tiny_repo), wait_s=30).available
