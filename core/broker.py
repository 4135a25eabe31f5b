"""Celery's Redis transport, with one Redis client per channel instead of one per message.

kombu's Redis channel builds a new `redis.Redis` for every message it publishes (its response
callbacks alone are some 170 dictionary entries): about a fifth of what queueing a task cost the
request that queues it (measured: README, per-request cost). The client is only a front for the
channel's connection pool, so one is kept per channel and pool; consuming is unchanged.
"""

from kombu.transport import redis


class Channel(redis.Channel):
    def _create_client(self, asynchronous=False):
        if asynchronous:
            return super()._create_client(asynchronous=True)
        client = self.__dict__.get("_publish_client")
        # a channel whose pools were reset (a lost connection) gets a client of the new pool
        if client is None or client.connection_pool is not self.pool:
            client = self.__dict__["_publish_client"] = super()._create_client()
        return client


class Transport(redis.Transport):
    Channel = Channel
