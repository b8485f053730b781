"""Search's own tables: the durable outbox and the database mirror of the index.

- ``PendingIndexOperation`` is the outbox. A change writes "this object may have
  changed" in the same transaction as the change itself, so the note commits or
  rolls back with it; processing re-reads the object and writes the index.
- ``SearchRecord`` (with its audience tokens and countries) mirrors every search
  document in the database. The fallback search runs on it when Elasticsearch is
  not configured or does not answer, with the same audience rule.
- ``SearchVersion`` hands out increasing numbers. Every write to the index and to
  the mirror carries one, taken before the database is read, so a slow writer
  holding older data can never overwrite a newer document (Elasticsearch's
  external versioning; a version check in the mirror).
"""

import uuid

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PendingIndexOperation(models.Model):
    """One object whose search document may be out of date."""

    kind = models.CharField(_("kind"), max_length=50)
    object_id = models.CharField(_("object id"), max_length=64)
    # A new token at every enqueue: processing removes the row only when the
    # token is still the one it read, so an edit made during processing is
    # never dropped.
    token = models.UUIDField(default=uuid.uuid4)
    enqueued_at = models.DateTimeField(
        _("waiting since"), default=timezone.now, help_text=_("First change not yet indexed.")
    )
    last_enqueued_at = models.DateTimeField(_("last change"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now, db_index=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["next_attempt_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_pending_once")
        ]
        verbose_name = _("pending index operation")
        verbose_name_plural = _("pending index operations")

    def __str__(self):
        return f"{self.kind}-{self.object_id}"


class SearchRecordQuerySet(models.QuerySet):
    def live(self):
        return self.filter(deleted=False)


class SearchRecord(models.Model):
    """A search document in the database: what Elasticsearch holds, for the
    fallback search and for checking the index against the database.

    A deleted document stays as a tombstone (no text, no audience) for a while,
    so that an older write arriving late cannot bring it back.
    """

    doc_id = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=50, db_index=True)
    object_id = models.CharField(max_length=64)
    title = models.TextField(blank=True)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    language = models.CharField(max_length=10, blank=True, db_index=True)
    date = models.DateTimeField(null=True, blank=True, db_index=True)
    year = models.IntegerField(null=True, blank=True, db_index=True)
    # A plain number, not a foreign key: the record describes a document, and
    # must not hold up (or vanish with) the workspace row.
    workspace_id = models.BigIntegerField(null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    version = models.BigIntegerField(default=0)
    deleted = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)
    # The stems of title and body (portal.search.analysis), space-separated
    # and padded with a space at each end, so that " stem " finds a whole word
    # (the SQLite demo searches them so).
    title_stems = models.TextField(blank=True)
    body_stems = models.TextField(blank=True)
    # PostgreSQL full-text vector of the title's stems (weight A) and the
    # body's (weight B) in the "simple" configuration, which only splits them;
    # a GIN index is added by migration on PostgreSQL only. Unused on SQLite.
    search_vector = SearchVectorField(null=True, blank=True)

    objects = SearchRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("search record")
        verbose_name_plural = _("search records")

    def __str__(self):
        return self.doc_id


class SearchRecordAudience(models.Model):
    """One audience token of a record: ``public``, ``network``, ``workspace:<id>``."""

    record = models.ForeignKey(SearchRecord, on_delete=models.CASCADE, related_name="audiences")
    token = models.CharField(max_length=80)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "token"], name="search_audience_once")
        ]
        # The audience filter looks records up by token.
        indexes = [models.Index(fields=["token", "record"], name="search_audience_token")]

    def __str__(self):
        return self.token


class SearchRecordCountry(models.Model):
    record = models.ForeignKey(SearchRecord, on_delete=models.CASCADE, related_name="countries")
    code = models.CharField(max_length=8)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "code"], name="search_country_once")
        ]
        indexes = [models.Index(fields=["code", "record"], name="search_country_code")]

    def __str__(self):
        return self.code


class SearchTerm(models.Model):
    """Every word (folded) the mirror has held, with its stem: where the
    PostgreSQL fallback looks for the words a mistyped query word may have
    meant (pg_trgm similarity, trigram index added by migration). Only ever
    used to widen a query whose results still pass the audience rule; words
    whose stem no live record holds any more are removed by the search worker
    (portal.search.mirror.purge_terms)."""

    term = models.CharField(max_length=64, primary_key=True)
    stem = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("search term")

    def __str__(self):
        return self.term


class SearchVersion(models.Model):
    """Only its id sequence is used (see portal.search.versions)."""

    class Meta:
        verbose_name = _("search version")

    def __str__(self):
        return str(self.pk)
