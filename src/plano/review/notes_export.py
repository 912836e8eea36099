"""Notes out of the review tool: a CSV for the production's tracker, and an HTML sheet with each note's frame and
its drawing (an SVG over the frame), to print or save as PDF from the browser."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import html
import io
from collections.abc import Callable, Iterable
from typing import Any

CSV_COLUMNS = ("id", "shot", "version", "frame_in", "frame_out", "reply_to", "author", "created_utc", "status",
               "note", "strokes")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    """A CSV cell a spreadsheet shows as text: one that starts like a formula gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def _utc(t: float) -> str:
    return dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def notes_csv(notes: Iterable[dict[str, Any]], statuses: dict[tuple[str, int], dict[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_COLUMNS)
    for n in notes:
        status = statuses.get((n["shot"], n["version"]), {}).get("status", "pending_review")
        w.writerow([_cell(v) for v in (n["id"], n["shot"], f"v{n['version']:03d}", n["frame_in"], n["frame_out"],
                                       n["parent_id"], n["author"], _utc(n["created"]), status, n["body"],
                                       len(n["drawing"]))])
    return buf.getvalue()


def _svg(strokes: list[dict[str, Any]]) -> str:
    out = []
    for s in strokes:
        pts = " ".join(f"{float(x) * 1000:.1f},{float(y) * 1000:.1f}" for x, y in s.get("points", []))
        colour = s.get("color", "#ff3b30")
        colour = colour if isinstance(colour, str) and colour.startswith("#") and len(colour) <= 9 else "#ff3b30"
        width = max(0.5, min(float(s.get("width", 3)), 40.0))
        out.append(f'<polyline points="{pts}" fill="none" stroke="{html.escape(colour)}" stroke-width="{width}" '
                   'stroke-linecap="round" stroke-linejoin="round" vector-effect="non-scaling-stroke"/>')
    return ('<svg viewBox="0 0 1000 1000" preserveAspectRatio="none" class="ink">' + "".join(out) + "</svg>")


def notes_sheet(title: str, notes: Iterable[dict[str, Any]], statuses: dict[tuple[str, int], dict[str, Any]],
                frame_jpeg: Callable[[str, int, int], bytes | None]) -> str:
    """The sheet as one self-contained HTML page; ``frame_jpeg(shot, version, frame)`` gives a note's frame."""
    rows = []
    for n in notes:
        status = statuses.get((n["shot"], n["version"]), {}).get("status", "pending_review")
        frames = "" if n["frame_in"] is None else (
            f"frame {n['frame_in']}" if n["frame_out"] in (None, n["frame_in"]) else f"frames {n['frame_in']}-{n['frame_out']}")
        img = ""
        if n["frame_in"] is not None and not n["parent_id"]:
            data = frame_jpeg(n["shot"], n["version"], n["frame_in"])
            if data:
                img = (f'<div class="frame"><img src="data:image/jpeg;base64,{base64.b64encode(data).decode()}" '
                       f'alt="{html.escape(frames)}">{_svg(n["drawing"])}</div>')
        reply = f" (reply to #{n['parent_id']})" if n["parent_id"] else ""
        rows.append(f'<section class="note"><h2>#{n["id"]} {html.escape(n["shot"])} v{n["version"]:03d} '
                    f'{html.escape(frames)}{reply} <span class="status">{html.escape(status.replace("_", " "))}</span>'
                    f'</h2><p class="by">{html.escape(n["author"])}, {_utc(n["created"])} UTC</p>'
                    f'<p class="body">{html.escape(n["body"])}</p>{img}</section>')
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title><style>
body{{font:14px system-ui,sans-serif;margin:2em;color:#111}} h1{{font-size:20px}} h2{{font-size:15px;margin:0}}
.note{{break-inside:avoid;border-top:1px solid #ccc;padding:1em 0}} .by{{color:#666;margin:.2em 0}}
.status{{font-weight:normal;color:#555;margin-left:1em}} .body{{white-space:pre-wrap}}
.frame{{position:relative;display:inline-block;max-width:100%}} .frame img{{display:block;max-width:100%}}
.ink{{position:absolute;left:0;top:0;width:100%;height:100%}}
</style></head><body><h1>{html.escape(title)}</h1>{''.join(rows) or '<p>No notes.</p>'}</body></html>"""
