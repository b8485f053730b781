#!/usr/bin/env python
"""Page weight (not a test): what a phone downloads for the pages people open
most, on the demo content. For each page: the HTML, the stylesheets, scripts
and images it references (each counted once per page), raw and gzipped, and
the number of requests.

    eval "$(scripts/services.sh env)"
    DJANGO_SETTINGS_MODULE=portal.settings.test .venv/bin/python bench/page_weight.py
    # options: --pages /ru/ /ru/get-help/ ...   (a workspace page is added for a demo member)

It works in a database of its own (created and dropped, named after the test
database with "_weight"), loads the demo content there, and reads static files
from the finders, so it needs neither a running server nor collectstatic.
"""

import argparse
import gzip
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

from bench.common import in_process_database  # noqa: E402

ASSET = re.compile(
    r"""<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src|img[^>]+src)="([^"]+)\"""",
    re.IGNORECASE,
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", nargs="*", default=["/ru/", "/ru/get-help/", "/en/"])
    return parser.parse_args()


def gz(data):
    return len(gzip.compress(data, compresslevel=6))


def asset_bytes(url):
    """The bytes of a static or media file the page references, from disk."""
    from django.conf import settings
    from django.contrib.staticfiles import finders

    path = url.split("?")[0]
    if path.startswith(settings.STATIC_URL):
        relative = path[len(settings.STATIC_URL) :]
        # Hashed names (ManifestStaticFilesStorage) map back to the source file.
        relative = re.sub(r"\.[0-9a-f]{12}(\.\w+)$", r"\1", relative)
        found = finders.find(relative)
        return Path(found).read_bytes() if found else None
    if path.startswith(settings.MEDIA_URL):
        file = Path(settings.MEDIA_ROOT) / path[len(settings.MEDIA_URL) :]
        return file.read_bytes() if file.exists() else None
    return None


def weigh(client, path):
    response = client.get(path, follow=True)
    if response.status_code != 200:
        return {"page": path, "error": f"HTTP {response.status_code}"}
    html = response.content
    row = {"page": path, "html": len(html), "html_gz": gz(html), "requests": 1}
    for kind in ("css", "js", "img"):
        row[kind] = row[f"{kind}_gz"] = 0
    for url in sorted(set(ASSET.findall(html.decode()))):
        data = asset_bytes(url)
        if data is None:
            continue
        kind = "css" if url.split("?")[0].endswith(".css") else "js" if ".js" in url else "img"
        row[kind] += len(data)
        row[f"{kind}_gz"] += gz(data) if kind != "img" else len(data)
        row["requests"] += 1
    row["total"] = row["html"] + row["css"] + row["js"] + row["img"]
    row["total_gz"] = row["html_gz"] + row["css_gz"] + row["js_gz"] + row["img_gz"]
    return row


def kb(value):
    return f"{value / 1024:.1f}"


def main():
    args = parse_args()
    with in_process_database("weight", load_demo=True):
        from django.test import Client

        rows = [weigh(Client(), path) for path in args.pages]
        rows.append(weigh_workspace())
        print_table(rows)


def weigh_workspace():
    """A workspace overview as its demo member sees it."""
    from django.test import Client

    from portal.members.models import Membership

    membership = (
        Membership.objects.select_related("user", "workspace")
        .filter(workspace__archived_at__isnull=True)
        .order_by("workspace__slug", "user__email")
        .first()
    )
    client = Client()
    client.force_login(membership.user)
    return weigh(client, f"/workspaces/{membership.workspace.slug}/")


def print_table(rows):
    columns = ["page", "requests", "HTML KB", "CSS KB", "JS KB", "images KB", "total KB", "gzip KB"]
    print(" | ".join(columns))
    print(" | ".join("---" for _ in columns))
    for row in rows:
        if "error" in row:
            print(f"{row['page']} | {row['error']}")
            continue
        print(
            " | ".join(
                [
                    row["page"],
                    str(row["requests"]),
                    kb(row["html"]),
                    kb(row["css"]),
                    kb(row["js"]),
                    kb(row["img"]),
                    kb(row["total"]),
                    kb(row["total_gz"]),
                ]
            )
        )


if __name__ == "__main__":
    main()
