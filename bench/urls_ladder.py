from django.db import connection
from django.http import JsonResponse
from django.urls import path


def bare_json(request):
    return JsonResponse({"ok": True})


def select_one(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return JsonResponse({"ok": cursor.fetchone()[0]})


urlpatterns = [path("ladder/json", bare_json), path("ladder/select1", select_one)]
