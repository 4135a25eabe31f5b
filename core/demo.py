"""The demo tenant's data: a small shop and support desk to browse on day one.

Everything goes through the apps' services, so the data obeys the same rules (stock, transitions,
events) as the API's. It is written once: a tenant that already has a catalogue is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from backups.models import BackupRecord, EstadoBackup
from backups.services.run import backup_create
from productos.models import Categoria, EstadoPedido, MetodoPago
from productos.services import catalogo, pedidos
from tickets import services as tickets
from tickets.models import Estado, Prioridad, TipoInteraccion
from usuarios.models import Rol, Usuario
from usuarios.services import usuario_create

CATALOGO: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "Periféricos": (
        "Teclados, ratones y auriculares",
        [
            ("Ratón inalámbrico ergonómico", "24.90"),
            ("Ratón óptico con cable", "9.50"),
            ("Ratón vertical recargable", "34.00"),
            ("Teclado mecánico compacto", "79.00"),
            ("Teclado inalámbrico con ñ", "39.90"),
            ("Auriculares con micrófono", "45.00"),
            ("Cámara web Full HD", "59.00"),
            ("Alfombrilla de escritorio XL", "14.90"),
            ("Base refrigeradora para portátil", "27.50"),
            ("Presentador láser", "19.90"),
            ("Altavoces estéreo USB", "29.00"),
            ("Lector de tarjetas SD", "12.00"),
        ],
    ),
    "Portátiles": (
        "Equipos portátiles para oficina y diseño",
        [
            ('Portátil 14" oficina', "649.00"),
            ('Portátil 15" diseño', "1190.00"),
            ('Portátil 13" ultraligero', "899.00"),
            ("Portátil convertible táctil", "749.00"),
            ("Portátil para estudiantes", "429.00"),
            ("Estación de trabajo móvil", "1890.00"),
            ('Funda acolchada 15"', "22.00"),
            ("Mochila para portátil", "48.00"),
            ("Cargador USB-C 65 W", "35.00"),
            ("Batería externa 20.000 mAh", "39.00"),
            ("Candado de seguridad", "18.50"),
            ("Soporte elevador de aluminio", "31.00"),
        ],
    ),
    "Monitores": (
        "Pantallas y accesorios de visualización",
        [
            ('Monitor 24" IPS', "139.00"),
            ('Monitor 27" 4K', "329.00"),
            ('Monitor 34" panorámico', "459.00"),
            ('Monitor portátil 15,6"', "169.00"),
            ("Brazo articulado doble", "69.00"),
            ("Cable HDMI 2.1 de 2 m", "11.90"),
            ("Adaptador DisplayPort a HDMI", "13.50"),
            ('Filtro de privacidad 24"', "44.00"),
            ("Kit de limpieza de pantallas", "7.90"),
            ("Calibrador de color", "189.00"),
            ("Base giratoria para monitor", "26.00"),
            ("Lámpara para monitor", "39.00"),
        ],
    ),
    "Redes": (
        "Conectividad para la oficina",
        [
            ("Router Wi-Fi 6", "119.00"),
            ("Punto de acceso en malla", "99.00"),
            ("Conmutador de 8 puertos", "34.90"),
            ("Conmutador gestionable 24 puertos", "219.00"),
            ("Cable de red Cat 6 de 5 m", "6.50"),
            ("Adaptador USB a Ethernet", "16.90"),
            ("Tarjeta Wi-Fi PCIe", "42.00"),
            ("Repetidor Wi-Fi", "29.90"),
            ("Kit PLC de 1 Gbps", "64.00"),
            ("Cortafuegos para pymes", "389.00"),
            ("Armario rack de 9U", "179.00"),
            ("Crimpadora RJ45", "19.00"),
        ],
    ),
    "Almacenamiento": (
        "Discos, memorias y copias de seguridad",
        [
            ("SSD NVMe de 1 TB", "79.00"),
            ("SSD SATA de 500 GB", "44.00"),
            ("Disco duro externo de 2 TB", "69.00"),
            ("Memoria USB de 128 GB", "14.50"),
            ("Tarjeta microSD de 256 GB", "24.90"),
            ("NAS de 2 bahías", "239.00"),
            ("Disco para NAS de 4 TB", "109.00"),
            ("Caja externa USB-C para SSD", "21.00"),
            ("Duplicador de discos", "49.00"),
            ("Grabadora de Blu-ray externa", "89.00"),
            ("Memoria RAM DDR5 de 16 GB", "59.00"),
            ("Organizador de discos", "9.90"),
        ],
    ),
}

PROVEEDORES: list[dict[str, Any]] = [
    {
        "nombre": "Distribuciones Andinas S.A.",
        "email": "ventas@andinas.example",
        "telefono": "+593 2 555 0101",
    },
    {"nombre": "TecnoImport Ltda.", "email": "pedidos@tecnoimport.example", "telefono": "+57 1 555 0202"},
]

TICKETS = [
    (
        Estado.ABIERTO,
        Prioridad.ALTA,
        "No puedo iniciar sesión en la tienda",
        "Me dice que la contraseña no es válida.",
    ),
    (
        Estado.EN_PROCESO,
        Prioridad.MEDIA,
        "Mi pedido no llega",
        "Hice el pedido hace una semana y sigue sin llegar.",
    ),
    (Estado.RESUELTO, Prioridad.BAJA, "Factura con datos incorrectos", "La factura sale con otra dirección."),
    (Estado.CERRADO, Prioridad.CRITICA, "El portátil no enciende", "Llegó ayer y no arranca."),
]


@dataclass(frozen=True)
class DemoLogins:
    """Who logs in to the demo, by role."""

    admin: dict
    cliente: dict
    soporte: dict


def _user(login: dict, *, nombre: str, apellido: str, rol: str) -> Usuario:
    user = Usuario.objects.filter(email=login["email"]).first()
    return user or usuario_create(nombre=nombre, apellido=apellido, rol=rol, **login)


def demo_users(logins: DemoLogins) -> tuple[Usuario, Usuario, Usuario]:
    """The demo's admin, customer and agent in the current tenant (created when missing)."""
    admin = _user(logins.admin, nombre="Admin", apellido="Demo", rol=Rol.ADMIN)
    cliente = _user(logins.cliente, nombre="Lucía", apellido="Fernández", rol=Rol.USUARIO)
    soporte = _user(logins.soporte, nombre="Martín", apellido="Rojas", rol=Rol.SOPORTE)
    return admin, cliente, soporte


def _catalogue() -> list:
    proveedores = [catalogo.proveedor_create(**p) for p in PROVEEDORES]
    productos = []
    for c, (nombre, (descripcion, items)) in enumerate(CATALOGO.items()):
        categoria = catalogo.categoria_create(nombre=nombre, descripcion=descripcion)
        for i, (producto, precio) in enumerate(items):
            productos.append(
                catalogo.producto_create(
                    sku=f"DEMO-{c + 1}{i + 1:02d}",
                    nombre=producto,
                    precio=Decimal(precio),
                    costo=(Decimal(precio) * Decimal("0.6")).quantize(Decimal("0.01")),
                    stock=5 + (7 * i + 3 * c) % 40,
                    categoria=categoria,
                    proveedor=proveedores[(c + i) % 2],
                )
            )
    return productos


def _tickets(*, cliente: Usuario, soporte: Usuario) -> None:
    for estado, prioridad, titulo, descripcion in TICKETS:
        ticket = tickets.ticket_create(
            actor=cliente, titulo=titulo, descripcion=descripcion, prioridad=prioridad
        )
        if estado == Estado.ABIERTO:
            continue
        tickets.ticket_assign(ticket_id=ticket.pk, actor=soporte, asignado_a_id=soporte.pk)
        tickets.interaccion_create(
            actor=soporte,
            ticket_id=ticket.pk,
            tipo=TipoInteraccion.COMENTARIO,
            contenido="Gracias por escribirnos, ya lo estamos revisando.",
        )
        tickets.interaccion_create(
            actor=soporte,
            ticket_id=ticket.pk,
            tipo=TipoInteraccion.NOTA_INTERNA,
            contenido="Revisar con logística antes de responder.",
        )
        tickets.ticket_change_estado(ticket_id=ticket.pk, actor=soporte, estado=Estado.EN_PROCESO)
        if estado == Estado.EN_PROCESO:
            continue
        tickets.interaccion_create(
            actor=cliente, ticket_id=ticket.pk, tipo=TipoInteraccion.COMENTARIO, contenido="¡Gracias!"
        )
        tickets.ticket_change_estado(ticket_id=ticket.pk, actor=soporte, estado=Estado.RESUELTO)
        if estado == Estado.CERRADO:
            tickets.ticket_change_estado(ticket_id=ticket.pk, actor=cliente, estado=Estado.CERRADO)


# one order in each state, paid and moved as far as its state says
ORDERS = [
    (EstadoPedido.PENDIENTE, None, []),
    (EstadoPedido.PAGADO, MetodoPago.TRANSFERENCIA, []),
    (EstadoPedido.ENVIADO, MetodoPago.EFECTIVO, [EstadoPedido.ENVIADO]),
    (EstadoPedido.ENTREGADO, MetodoPago.TARJETA, [EstadoPedido.ENVIADO, EstadoPedido.ENTREGADO]),
    (EstadoPedido.CANCELADO, MetodoPago.TRANSFERENCIA, []),
]


def _orders(*, productos: list, cliente: Usuario, soporte: Usuario) -> None:
    for n, (estado, metodo, moves) in enumerate(ORDERS):
        items = [
            {"producto": productos[n * 11].pk, "cantidad": 1},
            {"producto": productos[n * 11 + 5].pk, "cantidad": 2},
        ]
        pedido, _created = pedidos.pedido_create(actor=cliente, items=items, notas="Pedido de demostración")
        if metodo is not None:
            pedidos.pago_create(actor=cliente, pedido_id=pedido.pk, monto=pedido.total, metodo=metodo)
        for siguiente in moves:
            pedidos.pedido_change_estado(pedido_id=pedido.pk, actor=soporte, estado=siguiente)
        if estado == EstadoPedido.CANCELADO:
            pedidos.pedido_cancel(pedido_id=pedido.pk, actor=soporte)


def demo_seed(*, logins: DemoLogins) -> bool:
    """Fill the current tenant with the demo data set, once. Returns whether it wrote anything."""
    with transaction.atomic():
        admin, cliente, soporte = demo_users(logins)
        seeded = not Categoria.objects.exists()
        if seeded:
            productos = _catalogue()
            _tickets(cliente=cliente, soporte=soporte)
            _orders(productos=productos, cliente=cliente, soporte=soporte)
    # the backup dumps committed data, so it comes after the transaction
    if not BackupRecord.objects.filter(estado=EstadoBackup.COMPLETADO).exists():
        backup_create(actor=admin, allow_async=False)
        seeded = True
    return seeded
