"""An assignment shows the customer a name, never an address; an unknown ticket is 404 whatever
the body."""

import uuid

from core.testing.client import assert_error


def test_the_customer_sees_who_took_the_ticket_by_name(desk, usuario_a, soporte_a):
    ticket = desk.new(usuario_a)
    assert (
        desk.patch(soporte_a, ticket["id"], {"asignado_a": soporte_a.user.pk}, "asignar/").status_code == 200
    )
    seen = desk.get(usuario_a, ticket["id"], "interacciones/").json()["results"]
    assignment = [i for i in seen if i["tipo"] == "asignacion"]
    assert assignment and assignment[0]["contenido"] == "Asignado a Nombre Apellido"
    assert all(soporte_a.email not in str(i) for i in seen)


def test_an_unknown_ticket_is_404_whatever_the_body(desk, usuario_a, soporte_a):
    unknown = uuid.uuid4()
    for body, suffix, actor in (
        ({"titulo": ""}, "", usuario_a),
        ({"prioridad": "altísima"}, "", soporte_a),
        ({"estado": "volando"}, "estado/", soporte_a),
        ({"asignado_a": "x"}, "asignar/", soporte_a),
    ):
        assert_error(desk.patch(actor, unknown, body, suffix), 404, "not_found")


def test_someone_elses_ticket_is_404_whatever_the_body(desk, usuario_a, make_actor):
    ticket = desk.new(usuario_a)
    stranger = make_actor("alfa", "usuario")
    assert_error(desk.patch(stranger, ticket["id"], {"titulo": ""}), 404, "not_found")
