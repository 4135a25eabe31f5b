"""The bench's baseline: the same app with the schema pinned, no tenant resolution at all."""

import os

from django.conf import settings
from django.db import connection
from django.urls import set_urlconf

from core.models import Tenant


class PinnedSchemaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.tenant = Tenant.objects.get(schema_name=os.environ["BENCH_PINNED_SCHEMA"])

    def __call__(self, request):
        request.tenant = self.tenant
        connection.set_tenant(self.tenant)
        request.urlconf = settings.ROOT_URLCONF
        set_urlconf(request.urlconf)
        return self.get_response(request)
