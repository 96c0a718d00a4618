"""A deterministic layout of the usage network and its static SVG drawing (the map without JavaScript).

The layout puts the nodes in columns by role: the operators of services, the users (agents, services,
use-case stories), the resources, the producers. Within a column, nodes are ordered by the mean position of
their neighbours (a few sweeps of the barycentre heuristic, ties broken by label), which keeps edges short
and crossings few. The same input always gives the same picture.
"""

from __future__ import annotations

from collections.abc import Callable
from xml.sax.saxutils import escape, quoteattr

from graph.network import EDGE_KINDS, TYPES, Network, sort_key

COLUMN_GAP = 330
ROW_GAP = 26
LEFT = 290  # room for the labels of the first column
TOP = 90  # room for the legend
LABEL_CHARS = 42
COLOURS = {
    "resource": "#000091",
    "organisation": "#c9191e",
    "person": "#a558a0",
    "service": "#18753c",
    "story": "#b34000",
}
EDGE_STYLES = {
    "usage": ("#3a3a3a", ""),
    "production": ("#c9191e", "6 4"),
    "operation": ("#18753c", "2 3"),
    "question": ("#6a6af4", "1 3"),
    "answer": ("#a558a0", "4 2 1 2"),
}


def columns(network: Network) -> dict[str, tuple[float, float]]:
    """(x, y) of every node: one column per role, ordered to keep edges short."""
    if not network.nodes:
        return {}
    producers = {e.source for e in network.edges if e.kind == "production"}
    users = {e.source for e in network.edges if e.kind == "usage"}

    def role(i: str) -> int:
        return 2 if network.nodes[i].type == "resource" else 3 if i in producers else 1 if i in users else 0

    roles = {i: role(i) for i in network.nodes}
    used = sorted(set(roles.values()))
    cols: dict[int, list[str]] = {k: [] for k in range(len(used))}
    label = {i: sort_key(n.label) for i, n in network.nodes.items()}
    for i in sorted(network.nodes, key=lambda i: (label[i], i)):
        cols[used.index(roles[i])].append(i)
    neighbours: dict[str, list[str]] = {i: [] for i in network.nodes}
    for e in network.edges:
        neighbours[e.source].append(e.target)
        neighbours[e.target].append(e.source)
    centre = used.index(2) if 2 in used else 0
    for _sweep in range(4):
        for k in [centre, *(k for k in cols if k != centre)]:
            rank = {i: p / max(1, len(c) - 1) for c in cols.values() for p, i in enumerate(c)}
            own = set(cols[k])

            def mean(i: str, rank: dict[str, float] = rank, own: set[str] = own) -> float:
                ns = [rank[j] for j in neighbours[i] if j not in own]
                return sum(ns) / len(ns) if ns else rank[i]

            cols[k].sort(key=lambda i: (round(mean(i), 6), label[i], i))
    tallest = max((len(c) for c in cols.values()), default=0)
    positions: dict[str, tuple[float, float]] = {}
    for k, column in cols.items():
        offset = (tallest - len(column)) * ROW_GAP / 2
        for p, i in enumerate(column):
            positions[i] = (LEFT + k * COLUMN_GAP, TOP + offset + p * ROW_GAP)
    return positions


def radius(degree: int) -> float:
    return 5 + min(degree, 12) * 0.9


def svg(network: Network, href: Callable[[str], str], title: str = "Réseau des usages") -> str:
    """The network as a standalone SVG: every node a link to its page, with its full name as a tooltip."""
    pos = columns(network)
    count = len({x for x, _ in pos.values()})
    width = LEFT + max(count - 1, 0) * COLUMN_GAP + 340
    height = max((y for _, y in pos.values()), default=TOP) + 40
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'font-family="Marianne, Arial, sans-serif" font-size="12" role="img" aria-labelledby="svg-title">',
        f'<title id="svg-title">{escape(title)}</title>',
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        *_legend(),
        '<g class="edges" fill="none">',
    ]
    for e in network.edges:
        (x1, y1), (x2, y2) = pos[e.source], pos[e.target]
        colour, dash = EDGE_STYLES[e.kind]
        mid = (x1 + x2) / 2
        tip = f"{network.nodes[e.source].label} → {network.nodes[e.target].label} ({EDGE_KINDS[e.kind]})"
        if e.label:
            tip += f" : {e.label}"
        out.append(
            f'<path class="edge {e.kind}" d="M{x1:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"'
            f' stroke="{colour}" stroke-opacity="0.55" stroke-width="1.3"'
            + (f' stroke-dasharray="{dash}"' if dash else "")
            + f"><title>{escape(tip)}</title></path>"
        )
    out.append("</g>")
    out.append('<g class="nodes">')
    last_column = max((x for x, _ in pos.values()), default=0)
    for i, n in network.nodes.items():
        x, y = pos[i]
        r = radius(n.degree)
        link = quoteattr(href(i))
        name = n.label if len(n.label) <= LABEL_CHARS else n.label[: LABEL_CHARS - 1] + "…"
        right = x == last_column or n.type == "resource"
        tx, anchor = (x + r + 4, "start") if right else (x - r - 4, "end")
        out.append(
            f'<a class="node {n.type}" href={link} xlink:href={link}>'
            f"<title>{escape(n.label)} ({TYPES[n.type]}, {n.degree} lien{'s' if n.degree != 1 else ''})</title>"
            f"{_shape(n.type, x, y, r)}"
            f'<text x="{tx:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}" fill="#161616" stroke="#ffffff" '
            f'stroke-width="3" paint-order="stroke">{escape(name)}</text></a>'
        )
    out.append("</g></svg>")
    return "\n".join(out) + "\n"


def _shape(type_: str, x: float, y: float, r: float) -> str:
    colour = COLOURS[type_]
    if type_ == "organisation" or type_ == "person":
        return (
            f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" rx="2" fill="{colour}"/>'
        )
    if type_ == "service":
        return (
            f'<polygon points="{x:.1f},{y - r:.1f} {x + r:.1f},{y:.1f} {x:.1f},{y + r:.1f} {x - r:.1f},{y:.1f}" '
            f'fill="{colour}"/>'
        )
    if type_ == "story":
        return (
            f'<polygon points="{x:.1f},{y - r:.1f} {x + r:.1f},{y + r:.1f} {x - r:.1f},{y + r:.1f}" fill="{colour}"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}"/>'


def _legend() -> list[str]:
    parts = ['<g class="legend">']
    x = 20.0
    for type_, label in TYPES.items():
        parts.append(_shape(type_, x + 6, 24, 6))
        parts.append(f'<text x="{x + 16:.0f}" y="28">{escape(label)}</text>')
        x += 34 + len(label) * 7
    x = 20.0
    for kind, label in EDGE_KINDS.items():
        colour, dash = EDGE_STYLES[kind]
        parts.append(
            f'<line x1="{x:.0f}" y1="52" x2="{x + 30:.0f}" y2="52" stroke="{colour}" stroke-width="2"'
            + (f' stroke-dasharray="{dash}"' if dash else "")
            + "/>"
        )
        parts.append(f'<text x="{x + 36:.0f}" y="56">{escape(label)}</text>')
        x += 64 + len(label) * 7
    parts.append("</g>")
    return parts
