"""Increasing version numbers for index and mirror writes.

A writer takes a number *before* reading the database and writes with it;
Elasticsearch (external versioning) and the mirror keep the highest. Whatever
order concurrent writers finish in, the document ends up with the data of the
last read, never an older one.

PostgreSQL hands out the numbers from a sequence (no lock, never repeats, not
rolled back). SQLite, the demo database, serialises writers anyway; an
AUTOINCREMENT row id never repeats either.
"""

from django.db import DatabaseError, connection

from .models import SearchVersion


def next_version():
    if connection.vendor == "postgresql":
        table = SearchVersion._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
            return cursor.fetchone()[0]
    row = SearchVersion.objects.create()
    SearchVersion.objects.filter(pk__lte=row.pk).delete()
    return row.pk


def current_version():
    """The last number handed out (0 when none), without taking a new one."""
    table = SearchVersion._meta.db_table
    if connection.vendor == "postgresql":
        sql = "SELECT pg_sequence_last_value(pg_get_serial_sequence(%s, 'id'))"
    else:
        sql = "SELECT seq FROM sqlite_sequence WHERE name = %s"
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, [table])
            row = cursor.fetchone()
    except DatabaseError:  # SQLite creates sqlite_sequence on the first insert
        return 0
    return (row[0] if row else 0) or 0
