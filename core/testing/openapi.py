"""The OpenAPI document as the API serves it, and what it says each operation may answer."""

from __future__ import annotations

import re
from functools import cache


def api_schema() -> dict:
    """The same document /api/schema/ serves, generated in this process."""
    from drf_spectacular.generators import SchemaGenerator

    from core.urls.common import SCHEMA_URLCONF

    return SchemaGenerator(urlconf=SCHEMA_URLCONF).get_schema(request=None, public=True)


@cache
def _operations() -> list[tuple[re.Pattern, dict]]:
    routes = []
    for template, item in api_schema()["paths"].items():
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
        routes.append((template.count("{"), re.compile(f"^{pattern}$"), item))
    # a literal segment wins over a parameter ("/me/" before "/{id}/")
    return [(regex, item) for _n, regex, item in sorted(routes, key=lambda r: r[0])]


def documented_errors(method: str, path: str) -> dict[int, set[str]] | None:
    """status -> the codes the schema lists for this operation; None for an undocumented one
    (an unknown path, a method the path does not have)."""
    for regex, item in _operations():
        if regex.match(path):
            operation = item.get(method.lower())
            if operation is None:
                return None
            errors = {}
            for status, response in operation["responses"].items():
                schema = response.get("content", {}).get("application/json", {}).get("schema", {})
                parts = schema.get("allOf", [])
                if len(parts) == 2:
                    errors[int(status)] = set(parts[1]["properties"]["code"]["enum"])
            return errors
    return None


def assert_documented(method: str, path: str, status: int, code: str) -> None:
    """An error answered by the API is one its schema lists for that operation."""
    errors = documented_errors(method, path)
    if errors is None:
        return
    assert code in errors.get(status, set()), (
        f"{method} {path} answered {status} {code!r}, which the OpenAPI schema does not list for it "
        f"(it lists {dict(sorted((s, sorted(c)) for s, c in errors.items()))}); "
        "declare it with core.api.schema.raises(...) and run `make openapi`"
    )
