"""What commands print of a domain error's details: plain lines, not Python reprs."""

from collections.abc import Mapping


def plain_details(details, prefix: str = "") -> str:
    """{"admin": {"email": ["Introduzca..."]}} -> "admin.email: Introduzca...", one per line."""
    if isinstance(details, Mapping):
        lines = [plain_details(value, f"{prefix}{key}.") for key, value in details.items()]
        return "\n".join(line for line in lines if line)
    if isinstance(details, (list, tuple)):
        return "\n".join(plain_details(item, prefix) for item in details)
    label = prefix[:-1] if prefix.endswith(".") else prefix
    return f"{label}: {details}" if label else str(details)
