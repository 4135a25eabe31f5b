from django.db.models import QuerySet

from core.versioned_cache import cached_many
from usuarios.models import Usuario


def usuario_list() -> QuerySet[Usuario]:
    return Usuario.objects.all()


USUARIO_DATOS_TTL = 60 * 60
# What the cache keeps of a user: enough to authenticate and to show them, never the password.
DATOS_FIELDS = (
    "id",
    "email",
    "nombre",
    "apellido",
    "rol",
    "activo",
    "fecha_creacion",
    "uid",
    "sesion_version",
)
PUBLIC_FIELDS = ("id", "nombre", "apellido", "rol")


def usuario_datos_key(user_id: int) -> str:
    return f"usuario:{user_id}:datos"


def _load_datos(ids: list[int]) -> dict[int, dict]:
    return {row["id"]: row for row in Usuario.objects.filter(pk__in=ids).values(*DATOS_FIELDS)}


def _datos(ids: list[int]) -> dict[int, dict]:
    unique = list(dict.fromkeys(i for i in ids if i is not None))
    return cached_many({i: usuario_datos_key(i) for i in unique}, ttl=USUARIO_DATOS_TTL, load=_load_datos)


def usuarios_datos(*, ids: list[int]) -> dict[int, dict]:
    """Public details of these users ({id, nombre, apellido, rol}), cached for an hour."""
    return {i: {f: d[f] for f in PUBLIC_FIELDS} for i, d in _datos(ids).items()}


def usuario_autenticado(*, user_id: int) -> Usuario | None:
    """The user behind a token, from the cache when possible.

    The instance is built as if loaded with `.only(*DATOS_FIELDS)`: the password and the other
    fields are deferred, so reading them goes to the database and `save()` writes only what
    was loaded (or assigned), never a blank password.
    """
    datos = _datos([user_id]).get(user_id)
    if datos is None:
        return None
    return Usuario.from_db("default", list(DATOS_FIELDS), [datos[f] for f in DATOS_FIELDS])
