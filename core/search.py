"""Accent- and case-insensitive text matching with nothing but built-in PostgreSQL functions.

`unaccent` and `pg_trgm` are extensions the embedded PostgreSQL lacks (and a managed server may
refuse to install); `translate()` is always there, runs the same on Citus workers, and is immutable.
Both sides of the comparison go through it, so `raton` finds `Ratón` and `RATÓN` finds `raton`.
"""

from django.db.models import CharField, TextField, Transform

# Upper and lower case both: with a C locale, lower() only folds ASCII letters.
ACCENTED = "áàäâãåéèëêíìïîóòöôõúùüûñçýÿÁÀÄÂÃÅÉÈËÊÍÌÏÎÓÒÖÔÕÚÙÜÛÑÇÝ"
PLAIN = "aaaaaaeeeeiiiiooooouuuuncyyAAAAAAEEEEIIIIOOOOOUUUUNCY"
assert len(ACCENTED) == len(PLAIN)


class SinAcentos(Transform):
    lookup_name = "sin_acentos"
    bilateral = True
    template = f"LOWER(TRANSLATE(%(expressions)s, '{ACCENTED}', '{PLAIN}'))"


def fold(text: str) -> str:
    """What SinAcentos makes of a text, in Python (for tests and in-memory matching)."""
    return text.translate(str.maketrans(ACCENTED, PLAIN)).lower()


def register() -> None:
    CharField.register_lookup(SinAcentos)
    TextField.register_lookup(SinAcentos)
