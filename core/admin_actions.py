"""Admin actions that apply a service to each selected object, as the API would one by one."""

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages

from core.errors import DomainError


def apply_each(
    modeladmin,
    request,
    objects: Iterable,
    change: Callable,
    *,
    label: Callable[[Any], str],
    done: Callable[[int], str],
) -> None:
    """Call `change` on every object: each refusal is reported with the object's label and its
    reason, and the ones done are counted in one message."""
    count = 0
    for obj in objects:
        try:
            change(obj)
        except DomainError as exc:
            modeladmin.message_user(request, f"{label(obj)}: {exc.message}", messages.ERROR)
        else:
            count += 1
    if count:
        modeladmin.message_user(request, done(count), messages.SUCCESS)
