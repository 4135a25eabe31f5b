from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination


def planner_rows(queryset: QuerySet) -> int:
    """PostgreSQL's estimate of how many rows the query returns (EXPLAIN, nothing is read)."""
    sql, params = queryset.order_by().query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):  # a driver that does not decode json
        import json

        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


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
        exact = qs.order_by().values("pk")[: limit + 1].count()
        if exact <= limit:
            return exact, False
        return max(limit + 1, planner_rows(qs)), True

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
        # the count never says less than what the pages show
        seen = bottom + len(rows)
        if seen > self.count:
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
