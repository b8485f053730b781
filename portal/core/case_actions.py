"""Links other apps add to each case record's row on a report page ("Refer
this case"). Reports cannot import the apps above it, so those register a
provider here from their ``AppConfig.ready()``::

    from portal.core.case_actions import register_case_action
    register_case_action(refer_link)

A provider is called once per page as ``provider(user, report)`` and returns
None (nothing for this person) or a function ``case -> (label, url)``: the
permission is decided once, not once per row.
"""

_providers = []


def register_case_action(provider):
    if provider not in _providers:
        _providers.append(provider)
    return provider


def case_actions(user, report):
    """The per-row link makers that apply to ``user`` on ``report``."""
    makers = (provider(user, report) for provider in _providers)
    return [maker for maker in makers if maker is not None]


def attach(rows, makers):
    """Each row gets ``row_actions``: [(label, url)] for the template."""
    rows = list(rows)
    for row in rows:
        row.row_actions = [maker(row) for maker in makers]
    return rows
