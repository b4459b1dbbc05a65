"""The one place where errors become HTTP responses: ``{"error": {"code", "message"}}``."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kefu.errors import KefuError


def error_body(code: str, message: str, **extra: object) -> dict[str, object]:
    """The JSON shape of every error kefu returns."""
    return {"error": {"code": code, "message": message, **extra}}


def install_error_handlers(app: FastAPI) -> None:
    """Map kefu errors, validation failures and HTTP errors to one JSON shape."""

    async def on_kefu_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, KefuError)
        extra = {"details": exc.details} if exc.details is not None else {}
        return JSONResponse(error_body(exc.code, exc.message, **extra), status_code=exc.status)

    async def on_validation(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        details = [
            {"loc": [str(part) for part in err.get("loc", ())], "msg": str(err.get("msg", ""))} for err in exc.errors()
        ]
        body = error_body("invalid_request", "the request is malformed or incomplete", details=details)
        return JSONResponse(body, status_code=422)

    async def on_http(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers)

    app.add_exception_handler(KefuError, on_kefu_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
