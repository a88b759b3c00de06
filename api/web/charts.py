"""Charts and the process map as server-rendered SVG: no script, nothing from the internet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from core.i18n import N_, _

BAR = "#2f6f8f"
MUTED = "#c9d3da"


def bar_chart(title: str, bars: Sequence[tuple[str, int]], *, width: int = 560) -> Markup:
    """Vertical bars with their values; ``title`` names the chart for screen readers."""
    height, top, bottom, left = 200, 20, 40, 10
    biggest = max((v for _, v in bars), default=0) or 1
    slot = (width - left * 2) / max(len(bars), 1)
    parts = [
        (f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMidYMid meet">'),
        f"<title>{escape(title)}</title>",
    ]
    plot = height - top - bottom
    for i, (label, value) in enumerate(bars):
        h = round(plot * value / biggest)
        x = left + i * slot + slot * 0.15
        w = slot * 0.7
        y = top + plot - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{max(h, 1)}" '
            f'fill="{BAR if value else MUTED}"><title>{escape(label)}: {value}</title></rect>'
        )
        parts.append(
            f'<text x="{x + w / 2:.1f}" y="{y - 4}" text-anchor="middle" '
            f'class="chart-value">{value}</text>'
        )
        parts.append(
            f'<text x="{x + w / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
            f'class="chart-label">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def funnel(title: str, steps: Sequence[tuple[str, int]], *, width: int = 560) -> Markup:
    """Horizontal bars centred on one axis, widest first: how many cases reached each stage."""
    row, gap, label_w = 24, 6, 150
    height = len(steps) * (row + gap) + gap
    biggest = max((v for _, v in steps), default=0) or 1
    span = width - label_w - 50
    parts = [
        (f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}">'),
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(steps):
        y = gap + i * (row + gap)
        w = max(span * value / biggest, 2)
        x = label_w + (span - w) / 2
        parts.append(
            f'<text x="{label_w - 8}" y="{y + row * 0.7:.1f}" text-anchor="end" '
            f'class="chart-label">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row}" '
            f'fill="{BAR if value else MUTED}"><title>{escape(label)}: {value}</title></rect>'
        )
        parts.append(
            f'<text x="{label_w + span + 8}" y="{y + row * 0.7:.1f}" '
            f'class="chart-value">{value}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True)
class MapNode:
    label: str
    state: str  # done | current | ahead | skipped | closed
    note: str = ""


STATE_TEXT = {  # shown in the page's language
    "done": N_("done"),
    "current": N_("current stage"),
    "ahead": N_("ahead"),
    "skipped": N_("skipped"),
    "closed": N_("case closed here"),
}


def process_map(nodes: Sequence[MapNode], branch: MapNode | None = None) -> Markup:
    """The stages as a row of connected boxes (wrapping on a phone), plus the branch taken.

    An ordered list styled by CSS rather than one fixed SVG, so it reflows at 390px and a
    screen reader reads each stage with its state."""
    items = []
    for n in nodes:
        note = f'<span class="pm-note">{escape(n.note)}</span>' if n.note else ""
        items.append(
            f'<li class="pm-node pm-{n.state}" data-state="{n.state}">'
            f'<span class="pm-label">{escape(n.label)}</span>'
            f'<span class="pm-state">{escape(_(STATE_TEXT[n.state]))}</span>{note}</li>'
        )
    out = (f'<ol class="process-map" aria-label="{escape(_("Process map"))}">'
           + "".join(items) + "</ol>")
    if branch is not None:
        out += (
            f'<p class="pm-branch pm-{branch.state}" data-state="{branch.state}">'
            f"<strong>{escape(_('Branch taken:'))}</strong> {escape(branch.label)}"
            f"{' – ' + str(escape(branch.note)) if branch.note else ''}</p>"
        )
    return Markup(out)
