"""Audio fixtures: short mixes of real CC0 recordings with exact stems, one shared separator."""

from __future__ import annotations

import pytest

from vtrack.audio.mixes import SAMPLES_DIR, Mix, build_mix, samples_available

needs_samples = pytest.mark.skipif(
    not samples_available(),
    reason=f"{SAMPLES_DIR} missing: apt-get install sonic-pi-samples (make system-deps does)",
)


@pytest.fixture(scope="session")
def amen_mix() -> Mix:
    if not samples_available():
        pytest.skip(f"{SAMPLES_DIR} missing: apt-get install sonic-pi-samples")
    return build_mix("amen_pop", seconds=6.0)


@pytest.fixture(scope="session")
def kit_mix() -> Mix:
    if not samples_available():
        pytest.skip(f"{SAMPLES_DIR} missing: apt-get install sonic-pi-samples")
    return build_mix("breakbeat_rock", seconds=6.0)


@pytest.fixture(scope="session")
def embedded():
    from vtrack.audio.embedded import EmbeddedSeparator

    return EmbeddedSeparator()


@pytest.fixture(scope="session")
def amen_stems(embedded, amen_mix: Mix) -> dict:
    """The embedded separation of the 6 s amen mix, computed once for several tests."""
    return embedded.separate(amen_mix.mix, amen_mix.sample_rate)
