"""Lower-casing that works for every script on every database.

SQLite's LIKE and lower() only know ASCII, so "Оше" would not match "оше" in
the demo's fallback search. On SQLite the portal registers Python's str.lower
as a SQL function (the same lower-casing the query words get); PostgreSQL's
lower() already knows Unicode.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db.backends.signals import connection_created
from django.db.models import Func, TextField

SQLITE_FUNCTION = "portal_lower"


class UnicodeLower(Func):
    function = SQLITE_FUNCTION
    output_field = TextField()
    arity = 1

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="LOWER", **extra)


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def register_sqlite_function(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, _lower, deterministic=True)


def connect():
    connection_created.connect(register_sqlite_function, dispatch_uid="portal.search.lower")


class TitleStemsVector(Func):
    """The title's stems as a text-search vector, on PostgreSQL: the very
    expression the fallback's title index holds (migration 0004), so the
    autocomplete's prefix match reads that small index instead of every
    matching record's whole vector."""

    template = "to_tsvector('simple'::regconfig, %(expressions)s)"
    arity = 1
    output_field = SearchVectorField()
