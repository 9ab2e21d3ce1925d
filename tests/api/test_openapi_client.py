"""The web client's API types are what the generator makes from the live OpenAPI schema."""

from __future__ import annotations

import difflib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from vtrack.api.openapi import main, openapi_schema, schema_text

WEB = Path(__file__).resolve().parents[2] / "web"
GENERATOR = WEB / "scripts" / "gen-api-types.mjs"
CHECKED_IN = WEB / "src" / "lib" / "api-schema.ts"


def generate_types(schema: str) -> str:
    node = shutil.which("node")
    if node is None or not (WEB / "node_modules" / "openapi-typescript").is_dir():
        pytest.skip("needs node and web/node_modules (make web installs them)")
    made = subprocess.run(
        [node, str(GENERATOR)],
        input=schema,
        capture_output=True,
        text=True,
        cwd=WEB,
        timeout=120,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    return made.stdout


def test_checked_in_types_match_the_live_schema() -> None:
    expected = generate_types(schema_text(openapi_schema()))
    actual = CHECKED_IN.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            list(
                difflib.unified_diff(
                    actual.splitlines(keepends=True),
                    expected.splitlines(keepends=True),
                    "checked in",
                    "from the live schema",
                )
            )[:60]
        )
        pytest.fail(f"{CHECKED_IN.name} is stale: run `make api-types` and commit it.\n{diff}")


def test_generated_types_follow_the_schema() -> None:
    # The check above can only fail if the generator reads the schema: a new path shows up.
    schema = openapi_schema()
    schema["paths"]["/api/drift-probe"] = {"get": {"responses": {"200": {"description": "OK"}}}}
    assert '"/api/drift-probe"' in generate_types(schema_text(schema))


def test_schema_is_stable_and_written_where_asked(tmp_path: Path) -> None:
    out = tmp_path / "openapi.json"
    assert main(["-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == schema_text(openapi_schema())
    assert "/api/task/{task_id}" in json.loads(out.read_text(encoding="utf-8"))["paths"]
