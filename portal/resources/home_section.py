"""The resource library's section on the home page (contract: portal/home/sections.py)."""

from portal.home.queries import localized_descendants
from portal.home.sections import register_home_section

from .models import ResourcePage

FEATURED_ON_HOME = 4


def featured_resources(home_page):
    """Featured resources of the home page's language first, then the newest."""
    return list(
        ResourcePage.for_listing(localized_descendants(ResourcePage, home_page).featured_first())[
            :FEATURED_ON_HOME
        ]
    )


def register():
    register_home_section(
        "resources",
        template="resources/includes/home_section.html",
        items=featured_resources,
    )
