"""Copies of the test database's rows, kept in a schema of their own, and put
back with a few SQL statements: the rows the migrations made (restored after
every transactional test) and the demo, both in tests/conftest.py.

Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, so the tables can be
filled in any order; inside a transaction the constraints are checked at once
afterwards (as Django's TestCase does at its end), outside one at commit."""

from django.db import connection, transaction


def _quote(name):
    return connection.ops.quote_name(name)


def model_tables():
    """Every table of an installed model (what Django's flush empties)."""
    return sorted(connection.introspection.django_table_names(only_existing=True))


class RowsCopy:
    """The rows of every model table at one moment, kept in ``schema``."""

    def __init__(self, schema):
        self.schema = schema
        self.tables = []

    def take(self):
        """Copy every model table that holds rows now (the schema made anew)."""
        self.tables = []
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")
            cursor.execute(f"CREATE SCHEMA {self.schema}")
            for table in model_tables():
                cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {_quote(table)})")  # noqa: S608
                if cursor.fetchone()[0]:
                    cursor.execute(
                        f"CREATE TABLE {self.schema}.{_quote(table)} AS TABLE {_quote(table)}"
                    )
                    self.tables.append(table)

    def restore(self):
        """Empty every model table and copy the rows back. Inside a transaction
        (a test's, a module's) the change is rolled back with it."""
        nested = connection.in_atomic_block
        with transaction.atomic(), connection.cursor() as cursor:
            if nested:
                # TRUNCATE refuses tables with checks still pending (rows this
                # transaction wrote): run them now.
                connection.check_constraints()
            cursor.execute(f"TRUNCATE {', '.join(_quote(t) for t in model_tables())}")
            for table in self.tables:
                cursor.execute(
                    f"INSERT INTO {_quote(table)} "  # noqa: S608
                    f"SELECT * FROM {self.schema}.{_quote(table)}"
                )
            if nested:
                # Not left for a commit that a rolled-back test never reaches.
                connection.check_constraints()
