"""Accent- and case-insensitive text matching with nothing but built-in PostgreSQL features.

`unaccent` is an extension the embedded PostgreSQL lacks (and a managed server may refuse), and
`translate()` over every row costs several times a plain scan. So the search text is turned
into a regular expression instead, each letter a class of its accented forms: `raton` and
`RATÓN` both become `r[aáàäâãå]t[oóòöôõ]n`, matched with `~*` (case-insensitive). It runs the same
on Citus workers, and pg_trgm's indexes (where the server has it) serve it.
"""

import unicodedata

from django.db.models import CharField, Lookup, TextField

# every accented form of a letter, both cases: with a C locale `~*` only folds ASCII letters
FORMS = {
    "a": "aáàäâãå",
    "e": "eéèëê",
    "i": "iíìïî",
    "o": "oóòöôõ",
    "u": "uúùüû",
    "n": "nñ",
    "c": "cç",
    "y": "yýÿ",
}


def fold(text: str) -> str:
    """The text without accents, in lower case (ñ becomes n, ç becomes c)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def pattern(text: str) -> str:
    """A PostgreSQL regular expression that finds `text` whatever its accents and case."""
    parts = []
    for ch in fold(text):
        if ch in FORMS:
            forms = FORMS[ch]
            parts.append(f"[{forms}{forms.upper()}]")
        elif ch.isalnum():
            parts.append(ch)
        else:
            parts.append("\\" + ch)  # in PostgreSQL's regexes a backslash makes any symbol literal
    return "".join(parts)


class SinAcentos(Lookup):
    lookup_name = "sin_acentos"

    def get_db_prep_lookup(self, value, connection):
        return "%s", [pattern(str(value))]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ~* {rhs}", [*lhs_params, *rhs_params]


def register() -> None:
    CharField.register_lookup(SinAcentos)
    TextField.register_lookup(SinAcentos)
