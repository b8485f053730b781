"""Server-rendered bar charts: geometry for templates/reports/includes/bar_chart.html.

No JavaScript and no library: an SVG with a title, a description listing every
figure (for screen readers), text labels on every bar, and the same figures as a
table next to it. A cell under k is drawn as an outlined stub of fixed width, so
its length says nothing about its size.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

WIDTH = 640
LABEL_WIDTH = 230
VALUE_WIDTH = 110
BAR_HEIGHT = 26
GAP = 8
TOP = 8
STUB_WIDTH = 14


@dataclass(frozen=True)
class Bar:
    label: str
    full_label: str
    text: str
    suppressed: bool
    y: int
    width: int
    text_x: int
    text_y: int


def cell_text(cell, k):
    """A cell as people read it: "fewer than k" for a suppressed one. Shared by
    the public statistics and the totals of one report (summaries.py)."""
    if cell.suppressed:
        return _("fewer than %(k)s") % {"k": k}
    return f"{cell.count:,}".replace(",", "\u202f")


def bar_chart(table, k, *, chart_id, label_width=LABEL_WIDTH, label_limit=26):
    """``label_width`` and ``label_limit`` (characters) for longer labels, such
    as the corridors' "Uzbekistan → Russia"."""
    cells = table.labelled()
    plot_width = WIDTH - label_width - VALUE_WIDTH
    largest = max((cell.count or 0 for cell, _label in cells), default=0) or 1
    bars = []
    for index, (cell, label) in enumerate(cells):
        y = TOP + index * (BAR_HEIGHT + GAP)
        width = STUB_WIDTH if cell.suppressed else max(2, round(plot_width * cell.count / largest))
        bars.append(
            Bar(
                label=_short(str(label), label_limit),
                full_label=str(label),
                text=cell_text(cell, k),
                suppressed=cell.suppressed,
                y=y,
                width=width,
                text_x=label_width + width + 6,
                text_y=y + BAR_HEIGHT // 2 + 5,
            )
        )
    height = TOP * 2 + len(bars) * (BAR_HEIGHT + GAP)
    description = "; ".join(f"{bar.label}: {bar.text}" for bar in bars)
    return {
        "id": chart_id,
        "title": str(table.title),
        "description": description,
        "bars": bars,
        "width": WIDTH,
        "height": height,
        "label_width": label_width,
        "label_x": label_width - 8,
        "bar_height": BAR_HEIGHT,
        "key": table.key,
        "table": table,
    }


# About what fits in LABEL_WIDTH: Cyrillic letters are wider than Latin ones, and
# longer Russian labels ("Объединённые Арабские Эмираты") were cut off at the left.
def _short(label, limit=26):
    return label if len(label) <= limit else label[: limit - 1] + "…"
