from core.celery import app
from tickets.notifications import ticket_notify_created


@app.task(name="tickets.notificar_ticket_creado")
def notificar_ticket_creado(*, evento_id: str, ticket_id: str, **_ignored) -> str:
    """Email the tenant's staff about a new ticket (see `ticket_notify_created`)."""
    return ticket_notify_created(evento_id=evento_id, ticket_id=ticket_id)
