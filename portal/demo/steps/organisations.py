"""The demo network's organisations (data/organisations.json): one list for
every step (the public site lists the verified ones; the workspaces belong to
two of them)."""

from portal.members.models import Organisation

from .. import data


def ensure_organisations(ctx):
    """The demo organisations, created once; later runs keep what editors changed."""
    if "organisations" in ctx.made:
        return ctx.made["organisations"]
    organisations = {}
    for name, fields in data.organisations().items():
        organisation, created = Organisation.objects.get_or_create(name=name, defaults=fields)
        if created:
            ctx.say(f"created organisation {name}")
        organisations[name] = organisation
    ctx.made["organisations"] = organisations
    return organisations
