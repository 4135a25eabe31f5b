import time

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination


def planner_rows(queryset: QuerySet, sql: str, params: tuple) -> int:
    """PostgreSQL's estimate of how many rows `sql` (the queryset's, compiled) returns: EXPLAIN,
    nothing is read."""
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):  # a driver that does not decode json
        import json

        plan = json.loads(plan)
    return int(_rows(plan[0]["Plan"]))


def _rows(node: dict) -> float:
    """A plan's row estimate. On Citus a distributed schema's query is a Custom Scan whose own
    estimate is a placeholder: the worker's plan (its one task's) has the real one."""
    tasks = node.get("Distributed Query", {}).get("Job", {}).get("Tasks") or []
    for task in tasks:
        for remote in task.get("Remote Plan") or []:
            for part in remote if isinstance(remote, list) else [remote]:
                if isinstance(part, dict) and "Plan" in part:
                    return part["Plan"]["Plan Rows"]
    return node["Plan Rows"]


class _BigQueries:
    """Query shapes (schema, SQL, parameters) whose last count went past the limit, with the
    estimate given then, for a minute: their next pages reuse it instead of counting again
    (an estimate a minute old is still an estimate; the last page's count is exact anyway)."""

    SECONDS = 60.0
    SIZE = 2048

    def __init__(self) -> None:
        self._known: dict[tuple, tuple[float, int]] = {}

    def estimate(self, shape: tuple) -> int | None:
        until, rows = self._known.get(shape, (0.0, 0))
        return rows if until > time.monotonic() else None

    def remember(self, shape: tuple, rows: int) -> None:
        if len(self._known) >= self.SIZE:
            self._known.clear()
        self._known[shape] = (time.monotonic() + self.SECONDS, rows)


_big = _BigQueries()


class EstimatingPaginator(Paginator):
    """A count that costs at most PAGE_COUNT_EXACT_LIMIT rows: exact up to there, PostgreSQL's
    estimate past it (a COUNT(*) of a big table reads all of it on every page).

    With an estimated count, a page is read with one row more to tell whether another follows,
    so `next` is right whatever the estimate, and the pages past the estimate are served while
    they have rows."""

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        qs = self.object_list
        limit = settings.PAGE_COUNT_EXACT_LIMIT
        if not isinstance(qs, QuerySet):
            return super().count, False
        sql, params = qs.order_by().query.sql_with_params()
        shape = (getattr(connections[qs.db], "schema_name", None), sql, tuple(map(str, params)))
        known = _big.estimate(shape)
        if known is not None:  # past the limit a moment ago
            return known, True
        exact = qs.order_by().values("pk")[: limit + 1].count()
        if exact <= limit:
            return exact, False
        estimate = max(limit + 1, planner_rows(qs, sql, params))
        _big.remember(shape, estimate)
        return estimate, True

    @cached_property
    def count(self) -> int:
        return self._counted[0]

    @property
    def estimated(self) -> bool:
        return self._counted[1]

    def validate_number(self, number):
        if not self.estimated:
            return super().validate_number(number)
        try:  # as Django's, without the upper bound an estimate cannot give
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        if not self.estimated:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        page = EstimatedPage(rows[: self.per_page], number, self)
        page.more = len(rows) > self.per_page
        seen = bottom + len(rows)
        # on the last page the count is known exactly; elsewhere never less than the pages show
        if not page.more or seen > self.count:
            self.__dict__["count"] = seen
        return page


class EstimatedPage(Page):
    more = False

    def has_next(self) -> bool:
        return self.more


class StandardPagination(PageNumberPagination):
    """{count, next, previous, results}; `page` and `page_size` (default 20, max 100).

    `count` is exact up to PAGE_COUNT_EXACT_LIMIT results and PostgreSQL's estimate past it."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    django_paginator_class = EstimatingPaginator
