"""The API's contract: every REST route documents the schema of its success response in /docs."""

from __future__ import annotations

from typing import Any

from kefu.app import create_app
from kefu.config import Settings

# Routes whose success response is, on purpose, not JSON with a schema. (HTML pages and the WebSocket
# are left out of the OpenAPI document altogether; file downloads describe their bytes as binary.)
EXCEPTIONS: frozenset[tuple[str, str]] = frozenset()


def _success(operation: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    responses = operation["responses"]
    code = next(code for code in sorted(responses) if code.startswith("2"))
    return code, responses[code]


def _missing_schemas(document: dict[str, Any]) -> list[str]:
    missing = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if (method.upper(), path) in EXCEPTIONS:
                continue
            code, response = _success(operation)
            if code == "204":
                continue  # declared as no body
            content = response.get("content", {})
            if not content:
                missing.append(f"{method.upper()} {path}")
            elif not all(_described(media.get("schema", {})) for media in content.values()):
                missing.append(f"{method.upper()} {path} (untyped)")
    return missing


def _described(schema: dict[str, Any]) -> bool:
    """A named model, an object with its properties, or a file's bytes; not ``{}`` nor a bare object
    (what FastAPI makes of a handler annotated ``-> dict[str, Any]``)."""
    return "$ref" in schema or "properties" in schema or schema.get("format") == "binary"


def test_every_route_documents_its_response(settings: Settings) -> None:
    document = create_app(settings).openapi()
    assert len(document["paths"]) > 30
    assert _missing_schemas(document) == []


def test_response_models_are_named_in_the_document(settings: Settings) -> None:
    schemas = create_app(settings).openapi()["components"]["schemas"]
    for name in ("ConversationOut", "MessageOut", "UserOut", "EntryOut", "QueueStatusOut", "LeaveMessageOut"):
        assert name in schemas
    assert "csrf_token" in schemas["UserOut"]["properties"]


def test_the_check_catches_a_route_without_a_model(settings: Settings) -> None:
    app = create_app(settings)

    @app.get("/api/v1/untyped")
    async def untyped() -> dict[str, Any]:
        return {}

    assert _missing_schemas(app.openapi()) == ["GET /api/v1/untyped (untyped)"]
