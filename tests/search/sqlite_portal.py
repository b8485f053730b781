"""The portal as `make run` serves it without services: SQLite and the database
search, in a child process, for the tests that must see the SQLite backend.

pytest-django holds the test process on PostgreSQL, so the SQLite search runs
in its own process with the development settings (the embedded demo's), on a
real SQLite file migrated with the real migrations. The tests send it requests
and it answers what the Django test client got, as JSON lines:

    python -m tests.search.sqlite_portal DB_FILE
    stdin:  {"path": "/search/", "params": {"q": ["..."], "kind": ["..."]}}
    stdout: {"status": 200, "body": "...", "backend": "database", "titles": [...]}

Its first line says it is ready and which database it runs on.
"""

import json
import os
import sys

DOCUMENTS = [
    # Titles full of what query languages treat as syntax: the search must
    # take it as text.
    ("1", 'Shelter "Ömür" in Osh (24/7): call \\ write', "Help for survivors * always."),
    ("2", "Горячая линия для пострадавших 🙂", "Звоните бесплатно."),
    ("3", "C++ && Q&A: OR NOT [draft] {notes} ^2 ~fuzzy ?!", "Operators as words."),
]


def _serve():
    # Replies go to the real stdout only; anything the portal prints or logs
    # goes to stderr so it cannot corrupt the protocol.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from portal.core.audience import PUBLIC
    from portal.search import queue
    from portal.search.registry import SearchEntry

    setup_test_environment()  # records the template context of each response
    queue.index_entries(
        [
            SearchEntry(
                kind="news",
                object_id=object_id,
                title=title,
                body=body,
                url=f"/news/{object_id}/",
                audiences=(PUBLIC,),
                language="en",
                countries=("KG",),
            )
            for object_id, title, body in DOCUMENTS
        ]
    )
    client = Client(headers={"Accept-Language": "en"}, raise_request_exception=False)
    out.write(json.dumps({"ready": True, "vendor": connection.vendor}) + "\n")
    out.flush()
    for line in sys.stdin:
        request = json.loads(line)
        response = client.get(request["path"], request.get("params") or {})
        context = response.context
        results = context.get("results") if context is not None else None
        out.write(
            json.dumps(
                {
                    "status": response.status_code,
                    "body": response.content.decode("utf-8", "replace"),
                    "backend": results.backend if results else None,
                    "titles": [hit.title for hit in results.hits] if results else [],
                }
            )
            + "\n"
        )
        out.flush()


if __name__ == "__main__":
    _serve()
