import pytest

TICKETS = "/api/tickets/tickets/"
INTERACCIONES = "/api/tickets/interacciones/"


class Desk:
    """Ticket calls over HTTP for one tenant."""

    def __init__(self, api, tenant: str) -> None:
        self.api = api
        self.tenant = tenant

    def create(self, actor, **body):
        body.setdefault("titulo", "No funciona la impresora")
        body.setdefault("descripcion", "Desde ayer no imprime.")
        return self.api.post(TICKETS, tenant=self.tenant, token=actor.token, json=body)

    def new(self, actor, **body) -> dict:
        response = self.create(actor, **body)
        assert response.status_code == 201, response.text
        return response.json()

    def get(self, actor, ticket_id, suffix=""):
        return self.api.get(f"{TICKETS}{ticket_id}/{suffix}", tenant=self.tenant, token=actor.token)

    def patch(self, actor, ticket_id, body, suffix="", **kw):
        return self.api.patch(
            f"{TICKETS}{ticket_id}/{suffix}", tenant=self.tenant, token=actor.token, json=body, **kw
        )

    def estado(self, actor, ticket_id, estado):
        return self.patch(actor, ticket_id, {"estado": estado}, "estado/")

    def list(self, actor, **params):
        return self.api.get(TICKETS, tenant=self.tenant, token=actor.token, params=params)

    def comment(self, actor, ticket_id, contenido="Gracias", tipo="comentario"):
        body = {"ticket_id": str(ticket_id), "tipo": tipo, "contenido": contenido}
        return self.api.post(INTERACCIONES, tenant=self.tenant, token=actor.token, json=body)


@pytest.fixture
def desk(api):
    return Desk(api, "alfa")


@pytest.fixture
def desk_for(api):
    return lambda tenant: Desk(api, tenant)
