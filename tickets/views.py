from typing import cast

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.filters import DocumentedSearchFilter, LeanFilterBackend
from core.api.pagination import StandardPagination
from core.api.rendered import RenderedJSON, render_json
from core.api.schema import raises
from core.error_codes import CoreErrorCode as C
from tickets import selectors, services
from tickets.error_codes import TicketErrorCode as T
from tickets.filters import TicketFilter, TicketOrdering
from tickets.models import Ticket
from tickets.serializers import (
    AsignarSerializer,
    EstadoRespuestaSerializer,
    EstadoSerializer,
    InteraccionCreateSerializer,
    InteraccionSerializer,
    TicketCreateSerializer,
    TicketSerializer,
    TicketUpdateSerializer,
)
from usuarios.models import Usuario
from usuarios.permissions import IsTenantStaff
from usuarios.selectors import usuarios_datos


class InteraccionPagination(StandardPagination):
    page_size = 50


def _interacciones_response(interacciones, *, many: bool):
    items = interacciones if many else [interacciones]
    datos = usuarios_datos(ids=[i.usuario_id for i in items])
    return InteraccionSerializer(interacciones, many=many, context={"usuarios": datos}).data


class TicketViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The tenant's tickets: a `usuario` works with their own, staff with all."""

    serializer_class = TicketSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    filter_backends = [LeanFilterBackend, DocumentedSearchFilter, TicketOrdering]
    filterset_class = TicketFilter
    search_fields = ["titulo", "descripcion"]
    ordering_fields = ["fecha_creacion", "fecha_actualizacion", "prioridad"]
    ordering = ["-fecha_creacion"]
    lookup_value_regex = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

    def initial(self, request, *args, **kwargs):
        if self.action == "retrieve":  # the ticket's entry comes with the user's, in one round trip
            selectors.ticket_detail_expect(ticket_id=kwargs.get("pk"))
        super().initial(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation, no user
            return Ticket.objects.none()
        return selectors.ticket_list(actor=self.request.user)

    @extend_schema(request=TicketCreateSerializer, responses={201: TicketSerializer})
    @raises(C.PERMISSION_DENIED)
    def create(self, request):
        data = TicketCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.ticket_create(actor=request.user, **data.validated_data)
        return Response(TicketSerializer(ticket).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: TicketSerializer})
    def retrieve(self, request, pk=None):
        return RenderedJSON(
            selectors.ticket_detail(
                ticket_id=pk, actor=request.user, render=lambda t: render_json(TicketSerializer(t).data)
            )
        )

    def _validated(self, serializer, pk) -> dict:
        """The body's data. An unknown (or unseen) ticket is 404 whatever the body: a bad body
        looks the ticket up before answering 400 (a good one is looked up by the service)."""
        if not serializer.is_valid():
            services.ticket_for_actor(ticket_id=pk, actor=cast(Usuario, self.request.user))
            serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=TicketUpdateSerializer, responses={200: TicketSerializer})
    @raises(T.TICKET_NOT_EDITABLE)
    def partial_update(self, request, pk=None):
        data = self._validated(TicketUpdateSerializer(data=request.data), pk)
        ticket = services.ticket_update(ticket_id=pk, actor=request.user, **data)
        return Response(TicketSerializer(ticket).data)

    @extend_schema(
        request=EstadoSerializer,
        responses={200: EstadoRespuestaSerializer},
        parameters=[
            OpenApiParameter(
                "nuevo_estado", OpenApiTypes.STR, description="Alternativa a `estado` en el cuerpo."
            )
        ],
    )
    @action(detail=True, methods=["patch"])
    @raises(T.INVALID_TRANSITION, C.PERMISSION_DENIED)
    def estado(self, request, pk=None):
        raw = request.data.get("estado") if hasattr(request.data, "get") else None
        data = self._validated(
            EstadoSerializer(
                data={"estado": raw if raw is not None else request.query_params.get("nuevo_estado")}
            ),
            pk,
        )
        ticket = services.ticket_change_estado(ticket_id=pk, actor=request.user, **data)
        # the message is part of the integration contract: never translated
        return Response({"mensaje": "Estado actualizado correctamente", "estado": ticket.estado})

    @extend_schema(request=AsignarSerializer, responses={200: TicketSerializer})
    @action(detail=True, methods=["patch"], permission_classes=[IsTenantStaff])
    @raises(T.TICKET_CLOSED)
    def asignar(self, request, pk=None):
        data = self._validated(AsignarSerializer(data=request.data), pk)
        ticket = services.ticket_assign(ticket_id=pk, actor=request.user, asignado_a_id=data["asignado_a"])
        return Response(TicketSerializer(ticket).data)

    @extend_schema(responses={200: InteraccionSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=InteraccionPagination, filter_backends=[])
    def interacciones(self, request, pk=None):
        page = self.paginate_queryset(selectors.interaccion_list(ticket_id=pk, actor=request.user))
        return self.get_paginated_response(_interacciones_response(page, many=True))


class InteraccionViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = InteraccionSerializer

    @extend_schema(request=InteraccionCreateSerializer, responses={201: InteraccionSerializer})
    @raises(C.NOT_FOUND, C.PERMISSION_DENIED, T.TICKET_CLOSED)
    def create(self, request):
        data = InteraccionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        interaccion = services.interaccion_create(actor=request.user, **data.validated_data)
        return Response(_interacciones_response(interaccion, many=False), status=status.HTTP_201_CREATED)
