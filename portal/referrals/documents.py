"""Documents sent with a referral (a consent form, a medical note): upload
and download, for the case workers of the two organisations.

A document is the one thing on a referral that may identify the person, so:

- it is kept in the private storage under a random name (the uploaded name may
  name the person), with the same type and size checks as workspace files
  (portal.members.files), and served only here, as a download, on the record;
- it is refused where data residency forbids this installation to hold the
  person's identifiable data (portal.referrals.residency), before a byte of
  it is read, and the refusal is in both sides' audit logs;
- the recipient loses it with the referral: once revoked or declined,
  ``policy.readable_referral`` answers 404 to the recipient, for the
  referral and for every document of it.

The side a person acts from is the workspace in the address: a person in
both workspaces acts as the side whose address they opened, so the
recipient's address stops working on revocation for them too.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.core import filetypes, personal_data
from portal.core.policy import NOT_FOUND, ActionRefused, refuse
from portal.members import audit
from portal.members.files import (
    attachment_response,
    open_private,
    validate_upload,
    write_blob,
)
from portal.reports import vocabulary as vocab

from . import audit_actions as actions
from . import case_data, policy, residency
from .models import Referral, ReferralDocument

MAX_TITLE = 200


def _not_found():
    return ActionRefused(_("Not found."), status=NOT_FOUND)


def acts_from(sides, referral, workspace):
    """Whether the person is, in ``workspace``, a side that sees the referral."""
    if workspace is None:
        return sides.any
    if workspace.pk == referral.from_workspace_id and sides.sender:
        return True
    return workspace.pk == referral.to_workspace_id and sides.recipient


def _policy_allows(user, referral, workspace, s):
    decision = policy.can_upload_document(user, referral, s)
    if decision and not acts_from(s, referral, workspace):
        return refuse(_("Not found."), NOT_FOUND)
    return decision


def upload_decisions(user, referral, workspace=None, known=None):
    """(the policy's decision, residency's decision) on an upload here. The
    page offers the form when both allow; it explains residency's refusal
    only to a person the policy allows (nobody else learns the rule applies)."""
    s = known or policy.sides(user, referral)
    return (
        _policy_allows(user, referral, workspace, s),
        residency.may_hold_identifiable(case_data.citizenship(referral)),
    )


def may_upload(user, referral, workspace=None, known=None):
    """The decision the upload obeys: the policy (an open referral, a case
    worker of a side that is not archived), then residency."""
    by_policy, held = upload_decisions(user, referral, workspace, known)
    return by_policy if not by_policy else held


def _audit_both(actor, action, referral, target, **details):
    # One event per side, as every referral event (portal.referrals.lifecycle):
    # each workspace's owners read their own log.
    details.setdefault("referral", referral.reference)
    for side in (referral.from_workspace, referral.to_workspace):
        audit.record(actor, action, target=target, workspace=side, **details)


def _record_refusal(actor, referral):
    code = case_data.citizenship(referral)
    # The recipient's log names the citizenship only when the referral passed
    # it: the person may have agreed to pass less.
    passed = bool(referral.case_data.get(vocab.CITIZENSHIP.column))
    for side in (referral.from_workspace, referral.to_workspace):
        details = {"referral": referral.reference}
        if code and (side == referral.from_workspace or passed):
            details["citizenship"] = code
        audit.record(
            actor, actions.REFERRAL_DOCUMENT_REFUSED, target=referral, workspace=side, **details
        )


def _check_title(title):
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Say what the document is, for example “Consent form”.")})
    if len(title) > MAX_TITLE:
        raise ValidationError({"title": _("Keep it under %(n)d characters.") % {"n": MAX_TITLE}})
    try:
        personal_data.check(title)
    except ValidationError as error:
        raise ValidationError({"title": error.messages}) from error
    return title


def upload(actor, referral, uploaded_file, title, *, workspace=None):
    """Keep ``uploaded_file`` with the referral. Raises ActionRefused (404
    for a stranger, 403 with the residency message, 409 when the referral is
    no longer open) or ValidationError ({"title"|"file": messages})."""
    s = policy.sides(actor, referral)
    _policy_allows(actor, referral, workspace, s).require()
    held = residency.may_hold_identifiable(case_data.citizenship(referral))
    if not held:
        _record_refusal(actor, referral)
        held.require()
    title = _check_title(title)
    try:
        _name, mime = validate_upload(uploaded_file)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    side = workspace
    if side is None:
        side = referral.from_workspace if s.sender else referral.to_workspace
    document = ReferralDocument(
        referral=referral,
        title=title,
        content_type=mime,
        size=uploaded_file.size,
        uploaded_by=actor,
        uploaded_in=side,
    )
    write_blob(document, uploaded_file)
    try:
        with transaction.atomic():
            # Under the lock, ask again: the sender may have revoked it (or the
            # recipient declined) while the file was being written.
            locked = Referral.objects.select_for_update().get(pk=referral.pk)
            may_upload(actor, locked, workspace).require()
            document.save()
            _audit_both(
                actor,
                actions.REFERRAL_DOCUMENT_UPLOADED,
                locked,
                document,
                size=document.size,
                type=filetypes.extension_for(mime),
            )
    except BaseException:
        document.file.storage.delete(document.file.name)
        raise
    return document


def readable_document(user, referral_id, document_id, workspace=None):
    """(referral, document) for a person who may open the referral from
    ``workspace``; ActionRefused (404) otherwise, the same for a made-up id,
    another referral's document and a referral the person no longer sees."""
    referral, access = policy.readable_referral(user, referral_id, workspace)
    if not acts_from(access.sides, referral, workspace):
        raise _not_found()
    document = ReferralDocument.objects.filter(referral=referral, pk=document_id).first()
    if document is None:
        raise _not_found()
    return referral, document


def documents_of(referral):
    return referral.documents.select_related("uploaded_by", "uploaded_in")


def download_name(document):
    """The name the download gets: the reference and a number, never the
    uploaded name or the title (a browser keeps it in its history)."""
    extension = filetypes.extension_for(document.content_type)
    name = f"{document.referral.reference}-document-{document.pk or 'new'}"
    return f"{name}.{extension}" if extension else name


def download(user, referral, document):
    """The document as a download, on both sides' record. Call only with
    what readable_document returned."""
    handle = open_private(document)
    _audit_both(
        user,
        actions.REFERRAL_DOCUMENT_DOWNLOADED,
        referral,
        document,
        size=document.size,
    )
    return attachment_response(handle, download_name(document), document.content_type)


def remove_blob(sender, instance, **kwargs):
    """post_delete: the blob goes once the deletion is committed (a purged
    referral takes its documents with it)."""
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
