"""The report's physics section: how the building came down, against what the spec asked.

Reads the sim's own record (``info.json`` ``extra.collapse``, written by ``plano.sim.run``): the roof line and
centre of mass over time as a small inline SVG plot, the descent in g, the pile, and the mass balance.
"""

from __future__ import annotations

import html
from typing import Any

PLOT_W, PLOT_H, PAD = 560, 220, 36


def _e(v: Any) -> str:
    if isinstance(v, float):
        return html.escape(f"{v:.3g}")
    if isinstance(v, (list, tuple)):
        return html.escape(", ".join(map(str, v)) if v else "(none)")
    return html.escape("(auto)" if v is None else str(v))


def plot_svg(roof_m: list[float], com_m: list[float], fps: float, height_m: float) -> str:
    """An SVG line plot of the roof line and the centre of mass (m) against time (s)."""
    n = max(len(roof_m), 2)
    top = max(height_m, max(roof_m, default=1.0), 1.0) * 1.05
    t_end = (n - 1) / fps

    def pts(ys: list[float]) -> str:
        return " ".join(f"{PAD + (PLOT_W - 2 * PAD) * i / (n - 1):.1f},{PLOT_H - PAD - (PLOT_H - 2 * PAD) * y / top:.1f}"
                        for i, y in enumerate(ys))

    ticks = []
    for k in range(0, int(t_end) + 1):
        x = PAD + (PLOT_W - 2 * PAD) * (k / t_end if t_end else 0)
        ticks.append(f'<line x1="{x:.1f}" y1="{PLOT_H - PAD}" x2="{x:.1f}" y2="{PLOT_H - PAD + 4}" stroke="#888"/>'
                     f'<text x="{x:.1f}" y="{PLOT_H - PAD + 16}" fill="#999" font-size="10" text-anchor="middle">{k} s</text>')
    for frac in (0.0, 0.5, 1.0):
        y = PLOT_H - PAD - (PLOT_H - 2 * PAD) * frac * height_m / top
        ticks.append(f'<line x1="{PAD - 4}" y1="{y:.1f}" x2="{PLOT_W - PAD}" y2="{y:.1f}" stroke="#333"/>'
                     f'<text x="{PAD - 6}" y="{y + 3:.1f}" fill="#999" font-size="10" text-anchor="end">{frac * height_m:.0f} m</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{PLOT_W}" height="{PLOT_H}" role="img" '
            f'aria-label="roof line and centre of mass over time" style="background:#161616">'
            + "".join(ticks)
            + f'<polyline fill="none" stroke="#fc9" stroke-width="2" points="{pts(roof_m)}"/>'
            + f'<polyline fill="none" stroke="#8bf" stroke-width="2" points="{pts(com_m)}"/>'
            + f'<text x="{PLOT_W - PAD}" y="14" fill="#fc9" font-size="11" text-anchor="end">roof line</text>'
            + f'<text x="{PLOT_W - PAD}" y="28" fill="#8bf" font-size="11" text-anchor="end">centre of mass</text>'
            + "</svg>")


def physics_html(record: dict[str, Any] | None) -> str:
    """The section's HTML ("" when the sim wrote no collapse record: an older cache, or no sim)."""
    if not record:
        return ""
    m = record["measure"]
    asked = record["asked"]
    t_move = None if m["moved_frame"] is None else (m["moved_frame"] - m["frame_start"]) / m["fps"]
    desc = "it did not come down" if m["mean_descent_g"] is None else (
        f"{m['mean_descent_g']:.2f} g mean, {m['peak_descent_g']:.2f} g peak (free fall: 1 g)")
    kept = record.get("kept_standing")
    rows = [
        ("building", f"{m['height_m']:.1f} m tall, {m['mass_kg'] / 1e3:,.0f} t"),
        ("roof line starts to fall", "never" if t_move is None else f"{t_move:.2f} s"),
        ("roof line descent", desc),
        ("centre of mass at the last frame", f"{m['com_m'][-1]:.1f} m ({100 * m['com_ratio']:.0f}% of its start)"),
        ("roof line at the last frame", f"{m['roof_m'][-1]:.1f} m ({100 * m['roof_ratio']:.0f}% of the height)"),
        ("pile", f"{m['pile_height_m']:.1f} m high, {m['pile_footprint_m2']:,.0f} m&sup2; "
                 f"(the building stood on {m['building_footprint_m2']:,.0f} m&sup2;)"),
        ("mass", f"standing {m['standing_kg'] / 1e3:,.0f} t, fallen {m['pile_kg'] / 1e3:,.0f} t, crushed to debris "
                 f"and dust {m['crushed_kg'] / 1e3:,.0f} t (of which dust {m['dust_kg'] / 1e3:,.0f} t), lost "
                 f"{m['lost_kg'] / 1e3:,.0f} t: {100 * (1 - m['mass_error']):.2f}% accounted for"),
        ("lowest point", f"{m['lowest_m']:.2f} m (below 0: under the ground)"),
        ("tilt", f"the largest piece moving as one body tilted up to {m.get('block_tilt_deg', 0):.0f}&deg;; "
                 f"at the end the pieces lie at {m['tilt_deg']:.0f}&deg; (median)"),
        ("fell toward", _e(record.get("fell_toward"))),
    ]
    if record.get("below_start_standing") is not None:
        rows.append(("floors below the collapse", f"{100 * record['below_start_standing']:.0f}% of their mass did not move"))
    if kept is not None:
        rows.append(("what was to stay standing", f"{100 * kept:.0f}% of it did not move"))
    asked_rows = "".join(f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in asked.items())
    got_rows = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in rows)
    svg = plot_svg(m["roof_m"], m["com_m"], m["fps"], m["height_m"])
    return f"""<h2>Physics</h2>
<p class="muted">How the building came down in the simulation (rigid bodies in rapier3d, bonds that break,
members that crush), measured from the sim cache. Heights are of chunk centres above the ground.</p>
<p>{svg}</p>
<table><tr><th>what happened</th><th></th></tr>{got_rows}</table>
<h3>What the spec asked</h3>
<table>{asked_rows}<tr><td>as member toughness (share of crushing capacity absorbed)</td><td>{_e(record.get('energy_share'))}</td></tr></table>
"""
