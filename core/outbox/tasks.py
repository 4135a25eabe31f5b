from core.celery import app
from core.outbox.services import eventos_entregar_todos


@app.task(name="outbox.entregar_eventos")
def entregar_eventos() -> int:
    return eventos_entregar_todos()
