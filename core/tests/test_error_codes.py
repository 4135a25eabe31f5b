"""The error codes are one list: every app's enum, the OpenAPI `Error.code` enum and the README."""

import re

from core.api.codes import all_error_codes
from core.local_services import BASE_DIR


def _readme_codes() -> set[str]:
    text = (BASE_DIR / "README.md").read_text()
    section = text.split("this list equal to them):", 1)[1].split("Lists are paginated", 1)[0]
    return set(re.findall(r"`([a-z_]+)`", section)) - {"details", "wait"}


def test_the_readme_lists_every_error_code_and_no_other():
    assert _readme_codes() == set(all_error_codes())


def test_the_openapi_schema_lists_every_error_code(api):
    schema = api.get("/api/schema/", params={"format": "json"}).json()
    assert schema["components"]["schemas"]["Error"]["properties"]["code"]["enum"] == all_error_codes()


def test_codes_are_unique_per_meaning():
    from core.api.codes import ERROR_CODE_ENUMS

    owners: dict[str, list[str]] = {}
    for enum in ERROR_CODE_ENUMS:
        for member in enum:
            owners.setdefault(member.value, []).append(enum.__name__)
    # `invalid_transition` means the same in tickets and orders: the one code shared on purpose
    assert {code: names for code, names in owners.items() if len(names) > 1} == {
        "invalid_transition": ["TicketErrorCode", "ProductoErrorCode"]
    }
