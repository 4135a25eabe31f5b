# Load Celery with Django so that tasks queued from web processes use the configured app.
from core.celery import app as celery_app

__all__ = ["celery_app"]
