"""Page types and snippets of the public site."""

from .base import BasePage
from .campaigns import CampaignIndexPage, CampaignPage, CampaignStatus
from .events import Attendance, EventIndexPage, EventPage, EventType
from .home import HomePage
from .hotlines import Hotline
from .news import NewsIndexPage, NewsPage, NewsPageRelatedPage, NewsPageTag
from .pages import AboutPage, ContentPage, GetHelpPage

__all__ = [
    "AboutPage",
    "Attendance",
    "BasePage",
    "CampaignIndexPage",
    "CampaignPage",
    "CampaignStatus",
    "ContentPage",
    "EventIndexPage",
    "EventPage",
    "EventType",
    "GetHelpPage",
    "HomePage",
    "Hotline",
    "NewsIndexPage",
    "NewsPage",
    "NewsPageRelatedPage",
    "NewsPageTag",
]
