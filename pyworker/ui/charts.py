"""Charts drawn on the server as SVG: numbers in, markup out. Every text that reaches the
SVG (a workflow's name, a day) is escaped; nothing else comes from data but numbers."""

from __future__ import annotations

from html import escape

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 260, 56, 40, 16
PAID, SAVED = "#b45309", "#15803d"


def spend_chart(days: list[dict]) -> str:
    """Paid calls and calls saved per UTC day, two bars a day (days: {day, paid, saved})."""
    if not days:
        return ""
    top = max(max(d["paid"], d["saved"]) for d in days) or 1
    plot_width, plot_height = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    slot = plot_width / len(days)
    bar = max(1.0, min(18.0, slot / 2 - 2))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="spend-title" class="chart">',
        '<title id="spend-title">Paid Clay calls and calls saved per day</title>',
        f'<line x1="{LEFT}" y1="{TOP + plot_height}" x2="{WIDTH - 8}" y2="{TOP + plot_height}" '
        'stroke="#888"/>',
    ]
    for fraction in (0, 0.5, 1):
        value = round(top * fraction)
        y = TOP + plot_height - plot_height * fraction
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">'
            f"{value:,}</text>"
        )
    every = max(1, len(days) // 8)  # at most about eight day labels
    for n, day in enumerate(days):
        x = LEFT + n * slot + slot / 2
        for offset, value, colour, name in (
            (-bar - 1, day["paid"], PAID, "paid calls"),
            (1, day["saved"], SAVED, "calls saved"),
        ):
            height = plot_height * value / top
            parts.append(
                f'<rect x="{x + offset:.1f}" y="{TOP + plot_height - height:.1f}" '
                f'width="{bar:.1f}" height="{height:.1f}" fill="{colour}">'
                f"<title>{escape(str(day['day']))}: {value:,} {name}</title></rect>"
            )
        if n % every == 0:
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
                f'font-size="11">{escape(str(day["day"])[5:])}</text>'
            )
    parts.append(
        f'<rect x="{LEFT}" y="{HEIGHT - 14}" width="10" height="10" fill="{PAID}"/>'
        f'<text x="{LEFT + 14}" y="{HEIGHT - 5}" font-size="11">paid calls</text>'
        f'<rect x="{LEFT + 100}" y="{HEIGHT - 14}" width="10" height="10" fill="{SAVED}"/>'
        f'<text x="{LEFT + 114}" y="{HEIGHT - 5}" font-size="11">calls saved</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
