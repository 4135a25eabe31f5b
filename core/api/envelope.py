"""The one error envelope of the API: {"error", "code", "details", "status_code"}."""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse


def error_body(*, status: int, code: str, message: Any, details: dict | None = None) -> dict:
    return {
        "error": str(message),
        "code": code,
        "details": details or {},
        "status_code": status,
    }


def error_response(*, status: int, code: str, message: Any, details: dict | None = None) -> JsonResponse:
    """A plain Django response, for errors raised before or outside DRF views."""
    return JsonResponse(
        error_body(status=status, code=code, message=message, details=details),
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
