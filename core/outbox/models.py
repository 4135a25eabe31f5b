import uuid

from django.db import models


class Evento(models.Model):
    """An event written in the same transaction as the change it tells about (transactional
    outbox), delivered to Redis after commit and retried until Redis has taken it."""

    evento_id = models.UUIDField(default=uuid.uuid4, editable=False)
    tipo = models.CharField(max_length=60)
    datos = models.JSONField(default=dict)
    # what the event starts, as its writer said: a job type for the batch queue (integration
    # contract) and a Celery task (its dotted path); the outbox knows no app
    trabajo = models.CharField(max_length=60, blank=True, default="")
    tarea = models.CharField(max_length=200, blank=True, default="")
    fecha_creacion = models.DateTimeField(auto_now_add=True)
    entregado_en = models.DateTimeField(null=True, blank=True)
    intentos = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["evento_id"], name="evento_id_unico")]
        indexes = [
            models.Index(
                fields=["id"], name="evento_pendiente_idx", condition=models.Q(entregado_en__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.tipo} {self.evento_id}"
