"""Error codes of the support desk. API contract: values never change."""

from enum import StrEnum


class TicketErrorCode(StrEnum):
    TICKET_NOT_EDITABLE = "ticket_not_editable"
    TICKET_CLOSED = "ticket_closed"
    INVALID_TRANSITION = "invalid_transition"
