"""The coded case data a referral carries: a snapshot of the case record,
limited to the categories the person consented to pass.

CTDC column names and codes only (portal.reports.vocabulary), never free text:
the sender's narrative stays with the sender. The snapshot is taken when the
referral is sent (and again when the sender edits it before an answer), so
the recipient never needs access to the sender's report.
"""

from portal.reports import vocabulary as vocab

from .vocabulary import DataCategory

_CODED_BY_CATEGORY = {
    DataCategory.PROFILE: (vocab.YEAR, vocab.GENDER, vocab.AGE, vocab.CITIZENSHIP),
    DataCategory.EXPLOITATION: (vocab.COUNTRY,),
    DataCategory.STATUS: (vocab.CASE_STATUS,),
    DataCategory.CONTROL: (),
}
_FLAGS_BY_CATEGORY = {
    DataCategory.PROFILE: (),
    DataCategory.EXPLOITATION: ("exploitation", "labour"),
    DataCategory.CONTROL: ("means", "recruiter"),
    DataCategory.STATUS: (),
}


def snapshot(case, categories):
    """{column: value} for single codes, {column: [codes]} for flag groups."""
    data = {}
    for category in categories:
        for column in _CODED_BY_CATEGORY.get(category, ()):
            value = getattr(case, column.field)
            if value not in ("", None):
                data[column.column] = value
        for key in _FLAGS_BY_CATEGORY.get(category, ()):
            data[key] = case.flags(vocab.FLAG_GROUPS_BY_KEY[key])
    return data


def readable(data):
    """[(label, text)] for the page: codes turned into the reader's words."""
    from portal.core.countries import country_name

    rows = []
    countries = {vocab.CITIZENSHIP.column, vocab.COUNTRY.column}
    choices = {
        vocab.GENDER.column: dict(vocab.Gender.choices),
        vocab.AGE.column: dict(vocab.AgeBand.choices),
        vocab.CASE_STATUS.column: dict(vocab.CaseStatus.choices),
    }
    for column in vocab.CODED_COLUMNS:
        if column.column not in data:
            continue
        value = data[column.column]
        labels = choices.get(column.column, {})
        text = country_name(value) if column.column in countries else labels.get(value, value)
        rows.append((column.label, str(text)))
    for group in vocab.FLAG_GROUPS:
        if group.key not in data:
            continue
        labels = dict(group.choices.choices)
        codes = data[group.key]
        rows.append((group.label, ", ".join(str(labels.get(c, c)) for c in codes) or "—"))
    return rows


def citizenship(referral):
    """The person's citizenship, for data residency: from the snapshot, or
    the case record while it exists (the profile may not have been passed)."""
    code = referral.case_data.get(vocab.CITIZENSHIP.column)
    if not code and referral.case_id:
        code = referral.case.citizenship
    return code or ""
