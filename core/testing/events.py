"""A subscriber to the events channel, for tests that watch what the outbox publishes."""

import json
import time

import redis
from django.conf import settings


class Subscriber:
    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(url)
        self.pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        self.pubsub.subscribe(settings.EVENTS_CHANNEL)
        self.pubsub.get_message(timeout=1)  # the subscribe confirmation

    def messages(self, wait: float = 2.0) -> list[dict]:
        found, deadline = [], time.monotonic() + wait
        while time.monotonic() < deadline:
            message = self.pubsub.get_message(timeout=0.1)
            if message:
                found.append(json.loads(message["data"]))
        return found

    def close(self) -> None:
        self.pubsub.close()
        self.client.close()
