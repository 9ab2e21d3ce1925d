"""Inpaint registry: "auto" is the embedded engine, Telea selectable, unknown names refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from vtrack.config import Settings
from vtrack.errors import EngineUnavailable
from vtrack.inpaint.embedded import EmbeddedInpainter, TeleaInpainter
from vtrack.inpaint.registry import inpaint_engines, load_inpainter


def settings(tmp_path: Path, **kw: object) -> Settings:
    return Settings(data_dir=tmp_path / "data", **kw)


def test_engines_listed_and_available(tmp_path: Path) -> None:
    infos = inpaint_engines(settings(tmp_path))
    assert [i.name for i in infos] == ["embedded", "telea"]
    assert all(i.available and i.kind == "inpaint" and i.embedded for i in infos)
    assert all("name" in i.as_dict() for i in infos)


def test_auto_loads_embedded_with_margin_from_settings(tmp_path: Path) -> None:
    engine = load_inpainter(settings(tmp_path, removal_margin_px=9))
    assert isinstance(engine, EmbeddedInpainter)
    assert engine.name == "embedded"
    assert engine.margin == 9


def test_telea_by_name(tmp_path: Path) -> None:
    engine = load_inpainter(settings(tmp_path, inpaint_engine="telea"))
    assert isinstance(engine, TeleaInpainter) and engine.name == "telea"


def test_unknown_engine_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EngineUnavailable, match="lama"):
        load_inpainter(settings(tmp_path, inpaint_engine="lama"))
