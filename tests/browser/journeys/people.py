"""Who walks the workspace journeys, and how they arrive: people with Russian
names of verified member organisations (the pages show names, and a Russian
page must show no English), signing in from the workspaces' address."""

from tests.factories import DEFAULT_PASSWORD, OrganisationFactory, UserFactory


def person(email, first_name, last_name, organisation):
    return UserFactory(
        email=email,
        first_name=first_name,
        last_name=last_name,
        organisation=OrganisationFactory(name=organisation, verified=True),
    )


def open_workspaces(journey, email):
    """The person opens the workspaces address, is asked to sign in, and lands
    on their workspaces (where the sign-in form was asked to send them)."""
    page = journey.page
    journey.goto("/workspaces/")
    journey.check("sign-in")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url("**/workspaces/")
    journey.check("workspaces")
