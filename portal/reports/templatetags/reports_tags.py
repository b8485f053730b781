from django import template

from portal.reports import vocabulary as vocab

register = template.Library()


@register.simple_tag
def flag_labels(record, group_key):
    """The labels of a record's set flags in one group, or a dash."""
    group = vocab.FLAG_GROUPS_BY_KEY[group_key]
    labels = [str(group.choices(column).label) for column in record.flags(group)]
    return ", ".join(labels) or "—"
