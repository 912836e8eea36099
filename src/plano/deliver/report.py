"""report.html: one self-contained page per version (stills embedded as base64, links to the movies and
contact sheet next to it): the prompt, the spec and the words behind it, time per stage, machine cost,
engines and the AI-assistance label."""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from plano.core.atomic import atomic_write_text
from plano.deliver.physics import physics_html

AI_LABEL_NONE = "No generative AI was used to make these pixels: every frame was rendered from geometry and simulation."
"""The label's words when no generative AI was used; with it, ``plano.generate.label`` words it (model, share)."""


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """{"camera": {"lens": 35}} -> {"camera.lens": 35}; lists stay values."""
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for k, v in data.items():
            out.update(flatten(v, f"{prefix}{k}."))
        return out
    return {prefix[:-1]: data}


def png_data_uri(rgb8: np.ndarray, max_width: int = 640, fmt: str = "JPEG") -> str:
    """uint8 (H, W, 3) -> ``data:image/jpeg;base64,...`` scaled down to ``max_width``."""
    from PIL import Image

    img = Image.fromarray(np.ascontiguousarray(rgb8))
    if img.width > max_width:
        img = img.resize((max_width, max(1, round(img.height * max_width / img.width))), Image.LANCZOS)
    buf = io.BytesIO()
    img.save(buf, format=fmt, quality=88) if fmt == "JPEG" else img.save(buf, format=fmt)
    mime = "image/jpeg" if fmt == "JPEG" else "image/png"
    return f"data:{mime};base64,{base64.b64encode(buf.getvalue()).decode('ascii')}"


@dataclass
class ReportData:
    name: str
    spec: Any
    """The ShotSpec (pydantic)."""
    stills: list[tuple[int, np.ndarray]]
    """(frame number, uint8 (H, W, 3) sRGB display)."""
    stages: dict[str, dict]
    """stage -> {"seconds": float, "cached": bool | None, "key": str | None}."""
    machine: dict[str, Any]
    cost: dict[str, Any]
    engines: dict[str, str]
    color: dict[str, str]
    label: dict[str, Any]
    files: dict[str, str] = field(default_factory=dict)
    """label -> path relative to the report."""
    frames: dict[str, Any] = field(default_factory=dict)
    """{"count", "first", "last", "width", "height", "fps"}."""
    spec_hash: str = ""
    unused: tuple[str, ...] = ()
    """Spec fields that no stage uses yet (parsed and kept, but they change nothing in this version)."""
    physics: dict[str, Any] | None = None
    """The sim's collapse record (``info.json`` ``extra.collapse``): the report's physics section."""
    comp: dict = field(default_factory=dict)
    """The comp stage's ``info.json``: the plate and how it was conformed, the look, grain, colour match, track."""


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;background:#111;color:#ddd;margin:2em auto;max-width:1100px;padding:0 1em}
h1{font-weight:600;margin-bottom:.2em}h2{border-bottom:1px solid #333;padding-bottom:.2em;margin-top:1.6em}
blockquote{background:#1b1b1b;border-left:4px solid #c84;margin:0;padding:.8em 1em;font-size:1.05em}
table{border-collapse:collapse;width:100%;font-size:.92em}td,th{border-bottom:1px solid #2a2a2a;padding:.3em .5em;text-align:left;vertical-align:top}
th{color:#aaa;font-weight:500}code{color:#fc9}.muted{color:#888}.label{display:inline-block;padding:.4em .8em;border-radius:4px;background:#243;color:#bfd}
.label.ai{background:#432;color:#fdb}.stills{display:flex;flex-wrap:wrap;gap:8px}.stills figure{margin:0}.stills img{width:260px;display:block}
figcaption{font-size:.8em;color:#999}a{color:#8bf}img.sheet{max-width:100%}td.num{text-align:right;font-variant-numeric:tabular-nums}
"""


def _e(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value) if value else "(none)"
    elif value is None:
        value = "(auto)"
    elif isinstance(value, float):
        value = f"{value:.4g}"
    return html.escape(str(value))


def _unused(spec: Any, unused: tuple[str, ...]) -> str:
    if not unused:
        return '<span class="muted">none: every field is used</span>'
    rows = []
    for path in unused:
        words = spec.sources.get(path, ())
        rows.append(_e(path) + (f" (set by {_e(', '.join(words))})" if words else ""))
    return "<br>".join(rows)


def _spec_rows(spec: Any) -> str:
    data = spec.model_dump(mode="json")
    sources = data.pop("sources", {}) or {}
    for k in ("notes", "unparsed", "prompt"):
        data.pop(k, None)
    rows = []
    for path, value in flatten(data).items():
        words = sources.get(path)
        src = f"<code>{_e(list(words))}</code>" if words else '<span class="muted">default</span>'
        rows.append(f"<tr><td>{_e(path)}</td><td>{_e(value)}</td><td>{src}</td></tr>")
    return "\n".join(rows)


def _c2pa_block(label: dict) -> str:
    """The C2PA label: the digital source type, why, what is signed and with which certificate, each layer's source."""
    c = label.get("c2pa")
    if not c:
        return ""
    dst = str(c.get("digital_source_type", "")).rsplit("/", 1)[-1]
    layers = "".join(f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in (label.get("layers") or {}).items())
    test = ' <span class="label ai">signed with a TEST certificate: not for publication</span>' if c.get("test_certificate") else ""
    return (f"<p>C2PA Content Credentials: digital source type <code>{_e(dst)}</code> ({_e(c.get('why', ''))}). "
            f"Signed into {_e(', '.join(c.get('signed', [])))}; sidecar {_e(', '.join(c.get('sidecars', [])))}; "
            f"{_e(c.get('exr_frames', ''))}. Certificate: {_e(c.get('certificate', ''))}.{test} "
            f"Check with <code>{_e(c.get('verify', ''))}</code>.</p>"
            f"<table><tr><th>layer</th><th>source</th></tr>{layers}</table>")


def _comp_block(info: dict) -> str:
    if not info:
        return ""
    rows = []
    plate = info.get("plate")
    if plate:
        rows.append(("plate", f"{plate.get('path')} ({plate.get('kind')}, {plate.get('colorspace')})"))
        for c in plate.get("conform", []):
            rows.append(("plate conformed", c))
    else:
        rows.append(("background", "the render's own street and sky (no plate)"))
    lk = info.get("look", {})
    rows.append(("look", f"{lk.get('preset')} ({lk.get('source')})" + (f" + {', '.join(lk['applied'])}" if lk.get("applied") else "")))
    for w in lk.get("ignored", []):
        rows.append(("look: not used", w))
    rows.append(("look CDL (ACEScct)", json_short(lk.get("cdl"))))
    rows.append(("graded", "the comp EXRs carry the look" if info.get("graded") else
                 "the comp EXRs are ungraded (plate colour); the movies carry the look; comp/look.cc"))
    for key, label in (("plate_grain_log_sigma", "plate grain (ACEScct sigma)"), ("grain_added_log_sigma", "grain added to the CG"),
                       ("color_match", "colour match"), ("track", "2D track"), ("haze_colour", "haze colour")):
        if key in info:
            rows.append((label, json_short(info[key])))
    sh = {k: v for k, v in (info.get("shake") or {}).items() if k != "offsets_px"}
    rows.append(("camera shake", json_short(sh)))
    body = "".join(f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in rows)
    return f"<h2>Comp</h2><table>{body}</table>"


def json_short(v: Any) -> str:
    import json

    return json.dumps(v, default=str)[:400]


def build_report_html(d: ReportData) -> str:
    spec = d.spec
    stills = "\n".join(
        f'<figure><img alt="frame {n}" src="{png_data_uri(img)}"><figcaption>frame {n}</figcaption></figure>'
        for n, img in d.stills
    )
    total = sum(float(s.get("seconds") or 0.0) for s in d.stages.values())
    stage_rows = "\n".join(
        f"<tr><td>{_e(name)}</td><td class=num>{float(s.get('seconds') or 0):.2f}</td>"
        f"<td>{'reused from cache' if s.get('cached') else ('ran' if s.get('cached') is False else '')}</td>"
        f"<td><code>{_e(s.get('key') or '')}</code></td></tr>"
        for name, s in d.stages.items()
    )
    c = d.cost
    money = (
        f"{c['cost']:.4f} $ at {c['rate_per_hour']:.2f} $/h"
        if c.get("cost") is not None
        else 'no rate set (set <code>PLANO_MACHINE_RATE_PER_HOUR</code> or <code>--rate</code>)'
    )
    engines = "\n".join(f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in d.engines.items())
    color = "\n".join(f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in d.color.items())
    files = "\n".join(f'<li><a href="{html.escape(p)}">{_e(label)}</a> <code>{_e(p)}</code></li>' for label, p in d.files.items())
    fr = d.frames
    unparsed = list(spec.unparsed)
    notes = list(spec.notes)
    label_cls = "label ai" if d.label["generative_ai_used"] else "label"
    sheet = f'<p><img class="sheet" alt="contact sheet" src="{html.escape(d.files["contact sheet"])}"></p>' if "contact sheet" in d.files else ""
    now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{_e(d.name)}: plano report</title><style>{_CSS}</style></head>
<body>
<h1>{_e(d.name)}</h1>
<p class="muted">shot {_e(spec.shot)} &middot; seed {spec.seed} &middot; spec hash <code>{_e(d.spec_hash)}</code> &middot; written {now}</p>
<p><span class="{label_cls}">{_e(d.label['label'])}</span></p>
{_c2pa_block(d.label)}
<h2>Prompt</h2>
<blockquote>{_e(spec.prompt) if spec.prompt else '<span class="muted">(no prompt: the spec was written by hand)</span>'}</blockquote>
<h2>Frames</h2>
<p>{fr.get('count', '?')} frames, {_e(fr.get('first'))}&ndash;{_e(fr.get('last'))}, {fr.get('width', '?')}&times;{fr.get('height', '?')} at {_e(fr.get('fps'))} fps. Display: {_e(d.color.get('view', ''))}, sRGB for stills, Rec.709 for movies.</p>
<div class="stills">{stills}</div>
{sheet}
{physics_html(d.physics)}
{_comp_block(d.comp)}
<h2>Files</h2>
<ul>{files}</ul>
<h2>Time per stage</h2>
<table><tr><th>stage</th><th>seconds</th><th>this run</th><th>cache key</th></tr>
{stage_rows}
<tr><th>total</th><th class=num>{total:.2f}</th><th></th><th></th></tr></table>
<p class="muted">Seconds are those of the run that made each stage's output (a reused stage shows the time it took when it ran).</p>
<h2>Machine cost</h2>
<table>
<tr><td>machine</td><td>{_e(d.machine.get('description'))}</td></tr>
<tr><td>platform</td><td>{_e(d.machine.get('platform'))}, Python {_e(d.machine.get('python'))}</td></tr>
<tr><td>wall time</td><td>{c['seconds']:.1f} s ({c['machine_hours']:.4f} machine-hours)</td></tr>
<tr><td>CPU core-hours</td><td>{c['core_hours']:.4f} (wall time &times; {d.machine.get('cores')} cores: what the machine was held for)</td></tr>
<tr><td>cost</td><td>{money}</td></tr>
</table>
<h2>Spec</h2>
<p class="muted">Every field of the shot, its value, and the words of the prompt that set it (&ldquo;default&rdquo;: the prompt said nothing about it). Edit <code>spec.yaml</code> and run <code>plano shot --spec spec.yaml</code> to change it.</p>
<table><tr><th>field</th><th>value</th><th>set by</th></tr>
{_spec_rows(spec)}
</table>
<h3>Words not understood</h3>
<p>{_e(unparsed) if unparsed else '<span class="muted">none: every word was used</span>'}</p>
<h3>Parser notes</h3>
<p>{'<br>'.join(_e(n) for n in notes) if notes else '<span class="muted">none</span>'}</p>
<h3>Not used yet</h3>
<p class="muted">Fields kept in the spec that no stage of this version uses: they change nothing in these frames.</p>
<p>{_unused(spec, d.unused)}</p>
<h2>Engines</h2>
<p class="muted">The engines this shot's stages reported, then the installed versions of every library plano uses.</p>
<table><tr><th>engine</th><th>version</th></tr>
{engines}
</table>
<h2>Colour</h2>
<table>{color}</table>
<p class="muted">Provenance (what made the pixels, hashes of every delivered file): <a href="provenance.json">provenance.json</a>.</p>
</body></html>
"""


def write_report(path: str | Path, data: ReportData) -> Path:
    return atomic_write_text(path, build_report_html(data))
