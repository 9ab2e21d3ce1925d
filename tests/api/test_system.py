"""GET / and GET /api/health: the spec's fields, with truthful engine reporting."""

from __future__ import annotations

from fastapi.testclient import TestClient

from vtrack.api.app import create_app
from vtrack.config import Settings

SPEC_HEALTH = {
    "status": str,
    "sam3_available": bool,
    "sam3_setup_valid": bool,
    "sam3_message": str,
    "demucs_available": bool,
    "upload_dir": str,
    "active_tasks": int,
    "device": str,
}


def test_health_has_the_spec_fields_and_engines(client: TestClient, settings) -> None:
    body = client.get("/api/health").json()
    for key, kind in SPEC_HEALTH.items():
        assert isinstance(body[key], kind), key
    assert body["status"] == "healthy"
    assert body["upload_dir"] == str(settings.uploads_dir)
    # No sam3 package and no GPU here: it must never claim SAM 3.
    assert body["sam3_available"] is False
    assert body["sam3_message"]
    assert body["active"] == {"vision": "embedded", "audio": "embedded", "inpaint": "embedded"}
    for kind in ("vision", "audio", "inpaint"):
        names = {e["name"]: e for e in body["engines"][kind]}
        assert names["embedded"]["available"] is True
        for engine in names.values():
            assert engine["available"] or engine["reason"], engine
    assert {"sam3", "sam2"} <= {e["name"] for e in body["engines"]["vision"]}
    assert body["limits"]["max_upload_mb"] == settings.max_upload_mb


def test_root_is_the_spec_json_for_api_clients(client: TestClient) -> None:
    body = client.get("/", headers={"accept": "application/json"}).json()
    assert body["status"] == "ok"
    assert isinstance(body["message"], str)
    assert body["sam3_available"] is False
    assert isinstance(body["sam3_setup"], str)
    assert body["vision_engine"] == "embedded"


def test_openapi_documents_the_workflows(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    fields = {
        "/api/track-point": {"video", "x", "y", "frame_idx", "points", "full_res_masks"},
        "/api/text-to-video": {"video", "prompt"},
        "/api/remove-object": {"video", "x", "y", "frame_idx", "points", "remove_stem", "prompt"},
    }
    for path, names in fields.items():
        names = names | {"accept_cut_off"}  # every workflow: take a cut-off file for what it is
        post = paths[path]["post"]
        form = post["requestBody"]["content"]["multipart/form-data"]["schema"]
        assert set(form["properties"]) == names and "video" in form["required"]
        assert {"200", "202", "400", "413", "415"} <= set(post["responses"])
        assert "Prefer" in {p["name"].title() for p in post["parameters"]}
    assert "/api/task/{task_id}" in paths


def test_openapi_has_a_typed_response_for_every_endpoint(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for code, response in operation["responses"].items():
                for media, content in response.get("content", {}).items():
                    where = f"{method.upper()} {path} {code} {media}"
                    if media in ("application/json", "text/event-stream"):
                        ref = content["schema"].get("$ref", "")
                        assert ref.startswith("#/components/schemas/"), where
                        assert schemas[ref.rsplit("/", 1)[1]]["properties"], where
    # Status enums are one type each, shared by the task and the workflow answers.
    assert schemas["JobStatus"]["enum"] == [
        "pending",
        "processing",
        "complete",
        "error",
        "cancelled",
    ]
    assert "HTTPValidationError" not in schemas  # validation errors are 400 {"detail": "..."}
    answer = schemas["TextToVideoResponse"]
    assert {"task_id", "highlighted_video_url", "audio_url", "ai_response"} <= set(
        answer["required"]
    )


def test_engines_warm_up_at_start_and_health_says_so(settings: Settings) -> None:
    settings.preload_engines = True
    with TestClient(create_app(settings)) as client:
        first = client.get("/api/health").json()
        engines = client.app.state.vtrack.engines
        assert engines.ready.wait(180), "the warm-up did not end"
        after = client.get("/api/health").json()
    # Right after start the warm-up runs (it takes seconds: models load, each workflow runs once).
    assert first["warming_up"] is True
    assert after["warming_up"] is False
    # Every engine is loaded before the first job arrives.
    assert {"vision", "audio", "inpaint"} <= set(engines._engines)
