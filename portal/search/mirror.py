"""The database mirror of the index (SearchRecord and its tokens).

Written with the same version numbers as Elasticsearch: a record is only
replaced by a write with a higher version, and a deleted document leaves a
tombstone (no text, no audience: invisible by construction) so that an older
write arriving late cannot bring it back.
"""

import datetime

from django.contrib.postgres.search import SearchVector
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from . import analysis
from .entries import doc_id as doc_id_of
from .models import SearchRecord, SearchRecordAudience, SearchRecordCountry, SearchTerm

TOMBSTONE_DAYS = 1
_FIELDS = ["kind", "object_id", "title", "body", "url", "language", "date", "year"]
_FIELDS += ["workspace_id", "extra", "version", "deleted", "title_stems", "body_stems"]


def padded(stems):
    return f" {stems} " if stems else ""


def _values(entry, version):
    return {
        "kind": entry.kind,
        "object_id": entry.object_id,
        "title": entry.title,
        "body": entry.body,
        "title_stems": padded(entry.title_stems),
        "body_stems": padded(entry.body_stems),
        "url": entry.url,
        "language": entry.language,
        "date": entry.date,
        "year": entry.year,
        "workspace_id": entry.workspace_id,
        "extra": entry.extra,
        "version": version,
        "deleted": False,
    }


_TOMBSTONE = {
    "title": "",
    "body": "",
    "title_stems": "",
    "body_stems": "",
    "url": "",
    "language": "",
    "date": None,
    "year": None,
    "workspace_id": None,
    "extra": {},
    "deleted": True,
}


def write(entries, deletes, version):
    """Store ``entries`` ({doc_id: entry}) and tombstone ``deletes`` ((kind,
    object_id) pairs), skipping any record that already holds a newer version."""
    if not entries and not deletes:
        return
    try:
        _write(entries, deletes, version)
    except IntegrityError:
        # Another writer inserted one of these records between our read and
        # our insert; the second pass sees it and compares versions.
        _write(entries, deletes, version)


@transaction.atomic
def _write(entries, deletes, version):
    deleted = {doc_id_of(kind, object_id): (kind, object_id) for kind, object_id in deletes}
    doc_ids = list(entries) + [d for d in deleted if d not in entries]
    existing = {
        record.doc_id: record
        for record in SearchRecord.objects.select_for_update()
        .filter(doc_id__in=doc_ids)
        .only("id", "doc_id", "version")
    }
    new, changed = [], []
    for doc_id in doc_ids:
        record = existing.get(doc_id)
        if record is not None and record.version >= version:
            continue  # a newer write got there first
        entry = entries.get(doc_id)
        if entry is None:
            # A tombstone even where there was no record: an older write of
            # this document may still be on its way.
            kind, object_id = deleted[doc_id]
            values = {**_TOMBSTONE, "kind": kind, "object_id": object_id, "version": version}
        else:
            values = _values(entry, version)
        if record is None:
            new.append(SearchRecord(doc_id=doc_id, **values))
        else:
            for name, value in values.items():
                setattr(record, name, value)
            record.updated_at = timezone.now()
            changed.append(record)
    if new:
        SearchRecord.objects.bulk_create(new)
        if not all(r.pk for r in new):  # backends that do not return ids
            ids = dict(
                SearchRecord.objects.filter(doc_id__in=[r.doc_id for r in new]).values_list(
                    "doc_id", "pk"
                )
            )
            for record in new:
                record.pk = ids[record.doc_id]
    if changed:
        SearchRecord.objects.bulk_update(changed, [*_FIELDS, "updated_at"])
    touched = new + changed
    if not touched:
        return
    SearchRecordAudience.objects.filter(record__in=changed).delete()
    SearchRecordCountry.objects.filter(record__in=changed).delete()
    audiences, countries = [], []
    for record in touched:
        entry = entries.get(record.doc_id)
        if entry is None:
            continue
        audiences += [SearchRecordAudience(record=record, token=t) for t in entry.audiences]
        countries += [SearchRecordCountry(record=record, code=c) for c in entry.countries]
    SearchRecordAudience.objects.bulk_create(audiences)
    SearchRecordCountry.objects.bulk_create(countries)
    if connection.vendor == "postgresql":
        SearchRecord.objects.filter(pk__in=[r.pk for r in touched if not r.deleted]).update(
            search_vector=VECTOR
        )
        SearchRecord.objects.filter(pk__in=[r.pk for r in touched if r.deleted]).update(
            search_vector=None
        )
        _add_terms(entries.values())


# The stems are analysed already; "simple" only splits them.
VECTOR = SearchVector("title_stems", weight="A", config="simple") + SearchVector(
    "body_stems", weight="B", config="simple"
)


def _add_terms(entries):
    words = set()
    for entry in entries:
        words.update(entry.title_words.split())
        words.update(entry.body_words.split())
    words = sorted(w for w in words if len(w) > 2)
    SearchTerm.objects.bulk_create(
        [
            SearchTerm(term=word, stem=stem)
            for word, stem in zip(words, analysis.stem_words(words), strict=True)
        ],
        ignore_conflicts=True,
    )


def purge_terms():
    """Forget the words whose stem no live record holds any more (a deleted
    report's words must not stay behind). Returns how many were removed."""
    if connection.vendor != "postgresql":
        return 0
    terms = connection.ops.quote_name(SearchTerm._meta.db_table)
    records = connection.ops.quote_name(SearchRecord._meta.db_table)
    with connection.cursor() as cursor:
        # Only names from this code go into the SQL text.
        # ts_stat reads every live vector once; NOT IN hashes its words.
        cursor.execute(
            f"DELETE FROM {terms} WHERE stem NOT IN ("  # noqa: S608
            f"SELECT word FROM ts_stat('SELECT search_vector FROM {records} WHERE NOT deleted'))"
        )
        return cursor.rowcount


def remove_older_than(version):
    """After a rebuild: records no rebuild write or later edit touched are of
    objects that no longer have a document."""
    return SearchRecord.objects.filter(version__lt=version).delete()[0]


def purge_tombstones():
    cutoff = timezone.now() - datetime.timedelta(days=TOMBSTONE_DAYS)
    return SearchRecord.objects.filter(deleted=True, updated_at__lt=cutoff).delete()[0]


def counts_by_kind():
    from django.db.models import Count

    return dict(SearchRecord.objects.live().values_list("kind").annotate(n=Count("pk")).order_by())
