"""One pagination for every list of the portal: public listings, workspace
lists, a report's case records and search results, all drawn by
templates/includes/pagination.html.

The rule for the ``?page=`` a person (or an old link, or a crawler) sends:

- absent, not a whole number ("abc", "1e3", "2.0"), 0 or negative: the first page;
- a whole number past the last page: the last page (a bookmark to page 7
  still shows something after items were removed; a run of digits too long
  to be a number counts as past the end);
- never a 404, a 400 or a 500 for the page number alone.

A page shown for a value that did not name it exactly (anything but absent
or its own number) is marked on the request, so the public page cache does
not store a copy under every made-up ``?page=`` (see ``page_was_normalised``).
"""

from django.core.paginator import Paginator

PAGE_PARAM = "page"
# Two numbers either side of the current one and the first and last: at
# 360 px the links wrap onto a second line at most.
ON_EACH_SIDE = 2
ON_ENDS = 1

_NORMALISED = "_portal_page_normalised"


def page_number(value):
    """The page number a ``?page=`` value asks for, at least 1 (not yet
    limited to the last page: only the paginator knows it)."""
    text = str(value if value is not None else "").strip()
    try:
        number = int(text)
    except ValueError:
        # int() refuses digits beyond Python's conversion limit: a person
        # asking for page 999…9 wants the end, not the start.
        return _HUGE if text.isdecimal() else 1
    return max(number, 1)


_HUGE = 2**63


def paginate(request, object_list, per_page, *, param=PAGE_PARAM, fragment=""):
    """The page of ``object_list`` that ``request.GET[param]`` asks for, under
    the module's rule, as a Django ``Page`` that also carries what the include
    draws: ``links`` (numbers and gaps), ``previous_url``, ``next_url``. The
    links keep every other GET parameter (filters survive paging) and end in
    ``#fragment`` when given."""
    paginator = Paginator(object_list, per_page)
    asked = request.GET.get(param)
    number = min(page_number(asked), paginator.num_pages)
    return _decorate(request, paginator.page(number), asked, param, fragment)


def paginate_window(request, items, *, total, number, per_page, param=PAGE_PARAM, fragment=""):
    """The same ``Page`` for results a backend has already cut to one page
    (search asks Elasticsearch for ``from``/``size``): ``items`` are the rows
    of page ``number`` out of ``total``. The caller clamps ``number`` first
    (``page_number`` and its own depth cap) and runs its query for that page."""
    start = (number - 1) * per_page
    # The index may change between the count and this page: never claim
    # fewer pages than the one being shown.
    total = max(total, start + len(items), start + 1 if number > 1 else 0)
    paginator = Paginator(_Window(total, start, items), per_page)
    return _decorate(request, paginator.page(number), request.GET.get(param), param, fragment)


def page_was_normalised(request):
    """True when a page on this request was shown for a ``?page=`` value that
    did not name it exactly ("abc", "0", "01", a number past the end)."""
    return getattr(request, _NORMALISED, False)


def _decorate(request, page, asked, param, fragment):
    if asked is not None and asked != str(page.number):
        setattr(request, _NORMALISED, True)
    query = request.GET.copy()
    query.pop(param, None)
    path = request.path
    suffix = f"#{fragment}" if fragment else ""

    def url(number):
        params = query.copy()
        if number > 1:
            params[param] = str(number)
        encoded = params.urlencode()
        return f"{path}?{encoded}{suffix}" if encoded else f"{path}{suffix}"

    paginator = page.paginator
    page.links = [
        {"number": number, "url": url(number), "current": number == page.number}
        if isinstance(number, int)
        else {"gap": True}  # Paginator.ELLIPSIS
        for number in paginator.get_elided_page_range(
            page.number, on_each_side=ON_EACH_SIDE, on_ends=ON_ENDS
        )
    ]
    page.previous_url = url(page.number - 1) if page.has_previous() else ""
    page.next_url = url(page.number + 1) if page.has_next() else ""
    return page


class _Window:
    """Looks to the paginator like the whole result list, but holds only the
    page the backend returned."""

    def __init__(self, total, start, items):
        self.total, self.start, self.items = total, start, list(items)

    def count(self):
        return self.total

    def __len__(self):
        return self.total

    def __getitem__(self, index):
        if isinstance(index, slice) and (index.start or 0) == self.start:
            return self.items
        raise IndexError("only the page the backend returned is here")
