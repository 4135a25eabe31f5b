"""Celery's Redis transport keeps one client per channel (core.broker)."""

import uuid

import pytest
import redis as redis_py
from django.conf import settings

from core.broker import Channel
from core.celery import app

pytestmark = pytest.mark.redis


def test_a_channel_publishes_every_message_through_one_client():
    queue = f"prueba-{uuid.uuid4().hex[:8]}"
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        assert isinstance(channel, Channel)
        with channel.conn_or_acquire() as first, channel.conn_or_acquire() as second:
            assert first is second
        producer = app.amqp.Producer(channel)
        try:
            for n in range(3):
                producer.publish({"n": n}, routing_key=queue, exchange="", serializer="json")
            assert redis_py.Redis.from_url(settings.REDIS_URL).llen(queue) == 3
            channel._pool = None  # what kombu does with a lost connection: a new pool, a new client
            with channel.conn_or_acquire() as third:
                assert third is not first and third.connection_pool is channel.pool
        finally:
            redis_py.Redis.from_url(settings.REDIS_URL).delete(queue)
