// plano review: the page. Versions on the left, the player in the middle, notes and approval on the right.
"use strict";
const $ = (id) => document.getElementById(id);
const S = {
  token: "", shots: [], a: null, b: null, frame: 0, layer: "comp", ev: 0, playing: false, speed: 1,
  inF: null, outF: null, zoom: 1, panX: 0, panY: 0, mode: "side", wipe: 0.5, toggleB: false,
  drawMode: false, ink: [], stroke: null, notes: [], images: new Map(), shown: null,
};
window.plano = S; // the page's state, for a look from the browser's console (and the browser tests)

// ------------------------------------------------------------------ token and requests
(function readToken() {
  const m = location.hash.match(/token=([^&]+)/);
  if (m) { sessionStorage.setItem("planoToken", decodeURIComponent(m[1])); history.replaceState(null, "", location.pathname); }
  S.token = sessionStorage.getItem("planoToken") || "";
  $("token-state").textContent = S.token ? "can write" : "read only (open the address `plano review` printed)";
})();

async function api(path, body) {
  const opts = body === undefined ? {} : {
    method: "POST", body: JSON.stringify(body),
    headers: { "Content-Type": "application/json", "X-Plano-Token": S.token },
  };
  const r = await fetch(path, opts);
  const data = await r.json().catch(() => ({ error: `${r.status} ${r.statusText}` }));
  if (!r.ok) throw new Error(data.error || `${r.status}`);
  return data;
}
const author = () => $("author").value.trim() || "reviewer";

// ------------------------------------------------------------------ versions
async function loadShots(keep) {
  const data = await api("/api/shots");
  $("shots-dir").textContent = data.shots_dir;
  S.shots = data.sequences;
  const nav = $("shots"); nav.innerHTML = "";
  for (const seq of data.sequences) {
    const h = document.createElement("h3"); h.textContent = seq.sequence; nav.append(h);
    for (const shot of seq.shots) {
      const h4 = document.createElement("h4"); h4.textContent = shot.shot; nav.append(h4);
      for (const v of shot.versions) {
        const el = document.createElement("div");
        el.className = "version"; el.dataset.name = v.name;
        const times = Object.entries(v.stage_seconds).filter(([, s]) => s >= 0.5)
          .map(([k, s]) => `${k} ${s < 60 ? s.toFixed(0) + " s" : (s / 60).toFixed(1) + " min"}`).join(", ");
        el.innerHTML = `<img alt=""><div class="meta"><b>v${String(v.version).padStart(3, "0")}</b>
          <span class="badge ${v.status}">${v.status.replace("_", " ")}</span><br>
          <span class="changes"></span><br><span class="times"></span></div>`;
        if (v.thumbnail) el.querySelector("img").src = v.thumbnail;
        el.querySelector(".changes").textContent = v.changes;
        el.querySelector(".times").textContent = (v.frames ? `${v.frames[0]}-${v.frames[1]} ` : "no frames ") + times;
        el.onclick = () => selectVersion(v);
        nav.append(el);
      }
    }
  }
  if (keep && S.a) {
    const fresh = findVersion(S.a.shot, S.a.version);
    if (fresh) { S.a = fresh; markCurrent(); showVersionInfo(); }
  }
  fillB();
}
function findVersion(shot, version) {
  for (const seq of S.shots) for (const s of seq.shots) if (s.shot === shot)
    for (const v of s.versions) if (v.version === version) return v;
  return null;
}
function shotVersions(shot) {
  for (const seq of S.shots) for (const s of seq.shots) if (s.shot === shot) return s.versions;
  return [];
}
function markCurrent() {
  document.querySelectorAll(".version").forEach((el) => el.classList.toggle("current", S.a && el.dataset.name === S.a.name));
}
function fillB() {
  const sel = $("b-version"), keep = sel.value; sel.innerHTML = '<option value="">none</option>';
  if (!S.a) return;
  for (const v of shotVersions(S.a.shot)) if (v.version !== S.a.version && v.frames) {
    const o = document.createElement("option"); o.value = v.version; o.textContent = `v${String(v.version).padStart(3, "0")}`;
    sel.append(o);
  }
  sel.value = [...sel.options].some((o) => o.value === keep) ? keep : "";
}
function showVersionInfo() {
  const v = S.a;
  $("version-title").textContent = `${v.name}`;
  $("version-changes").textContent = v.changes;
  $("status-line").textContent = `status: ${v.status.replace("_", " ")}` + (v.status_by ? ` (${v.status_by})` : "");
  document.querySelectorAll("#status-buttons button").forEach((b) => b.classList.toggle("on", b.dataset.status === v.status));
  $("export-csv").href = `/api/export/notes.csv?shot=${v.shot}`;
  $("export-html").href = `/api/export/notes.html?shot=${v.shot}`;
  $("report").href = v.files.report || "#";
}
async function selectVersion(v) {
  S.a = v; S.playing = false; S.ink = [];
  if (!v.frames) { $("empty").textContent = `${v.name} has no frames yet`; return; }
  $("empty").hidden = true;
  S.frame = Math.min(Math.max(S.frame || v.frames[0], v.frames[0]), v.frames[1]);
  S.inF = v.frames[0]; S.outF = v.frames[1];
  const layer = $("layer"); layer.innerHTML = "";
  for (const l of v.layers) { const o = document.createElement("option"); o.value = o.textContent = l; layer.append(o); }
  S.layer = v.layers.includes(S.layer) ? S.layer : v.layers[0]; layer.value = S.layer;
  markCurrent(); showVersionInfo(); fillB(); S.b = null; $("b-version").value = "";
  preload(S.a); updateLoading(); await loadNotes(); loadAudit(); draw();
}

// ------------------------------------------------------------------ frames: one image per frame, preloaded
function imageKey(v, f) { return `${v.shot}/${v.version}/${S.layer}/${S.ev}/${f}`; }
function image(v, f) {
  const key = imageKey(v, f);
  let img = S.images.get(key);
  if (!img) {
    img = new Image(); img.decoding = "async";
    img.onload = () => { img.ready = true; if (S.images.get(key) === img) draw(); updateLoading(); };
    img.src = `/api/frame/${v.shot}/${v.version}/${S.layer}/${f}.jpg?ev=${S.ev}`;
    S.images.set(key, img);
  }
  return img.ready ? img : null;
}
function preload(v) { if (v && v.frames) for (let f = v.frames[0]; f <= v.frames[1]; f++) image(v, f); }
function updateLoading() {
  if (!S.a || !S.a.frames) return;
  let n = 0, total = 0;
  for (const v of [S.a, S.b]) if (v && v.frames) for (let f = v.frames[0]; f <= v.frames[1]; f++) {
    total++; const i = S.images.get(imageKey(v, f)); if (i && i.ready) n++;
  }
  $("loading").textContent = n < total ? `loading ${n}/${total}` : "";
  $("loading").dataset.loaded = n; $("loading").dataset.total = total;
}
function bFrame(f) { return S.b && S.b.frames ? Math.min(Math.max(f, S.b.frames[0]), S.b.frames[1]) : null; }

// ------------------------------------------------------------------ drawing the viewer
const canvas = $("view"), ctx = canvas.getContext("2d");
function fitRect(img, x, y, w, h) {
  const s = Math.min(w / img.naturalWidth, h / img.naturalHeight) * S.zoom;
  const iw = img.naturalWidth * s, ih = img.naturalHeight * s;
  return { x: x + (w - iw) / 2 + S.panX, y: y + (h - ih) / 2 + S.panY, w: iw, h: ih };
}
function draw() {
  const W = canvas.clientWidth, H = canvas.clientHeight;
  if (canvas.width !== W || canvas.height !== H) { canvas.width = W; canvas.height = H; }
  if (!S.a || !S.a.frames) return;
  const f = S.frame, a = image(S.a, f), bf = bFrame(f), b = S.b && bf !== null ? image(S.b, bf) : null;
  $("frame").value = f; $("timecode").textContent = timecode(f);
  if (!a) return; // the frame asked for is on its way: the last one stays up until it is here
  ctx.setTransform(1, 0, 0, 1, 0, 0); ctx.fillStyle = "#000"; ctx.fillRect(0, 0, W, H);
  let rect = null;
  {
    if (S.b && S.mode === "side") {
      rect = fitRect(a, 0, 0, W / 2, H); ctx.drawImage(a, rect.x, rect.y, rect.w, rect.h);
      if (b) { const r = fitRect(b, W / 2, 0, W / 2, H); ctx.drawImage(b, r.x, r.y, r.w, r.h); }
      label("A " + S.a.name, 8); label("B " + S.b.name, W / 2 + 8);
    } else {
      rect = fitRect(a, 0, 0, W, H);
      const showB = S.b && S.mode === "toggle" && S.toggleB;
      if (showB && b) ctx.drawImage(b, rect.x, rect.y, rect.w, rect.h); else ctx.drawImage(a, rect.x, rect.y, rect.w, rect.h);
      if (S.b && S.mode === "wipe" && b) {
        const wx = rect.x + rect.w * S.wipe;
        ctx.save(); ctx.beginPath(); ctx.rect(wx, 0, W - wx, H); ctx.clip();
        ctx.drawImage(b, rect.x, rect.y, rect.w, rect.h); ctx.restore();
        ctx.strokeStyle = "#fff"; ctx.beginPath(); ctx.moveTo(wx, rect.y); ctx.lineTo(wx, rect.y + rect.h); ctx.stroke();
      }
      if (S.b && S.mode === "diff" && b) {
        ctx.globalCompositeOperation = "difference"; ctx.drawImage(b, rect.x, rect.y, rect.w, rect.h);
        ctx.globalCompositeOperation = "source-over";
      }
      if (S.b) label(S.mode === "toggle" ? (S.toggleB ? "B " + S.b.name : "A " + S.a.name)
        : S.mode === "diff" ? `|A - B| ${S.a.name} / ${S.b.name}` : `A ${S.a.name} | B ${S.b.name}`, 8);
    }
    S.rect = rect; S.shown = f; canvas.dataset.frame = String(f);
    canvas.dataset.bframe = b ? String(bf) : "";
    canvas.dataset.layer = `${S.layer}/${S.ev}`;
    inkOn(rect);
  }
}
function label(text, x) { ctx.font = "12px sans-serif"; ctx.fillStyle = "rgba(0,0,0,.6)"; ctx.fillRect(x - 4, 4, ctx.measureText(text).width + 8, 18); ctx.fillStyle = "#fff"; ctx.fillText(text, x, 17); }
function inkOn(rect) {
  const strokes = [];
  for (const n of S.notes) if (n.drawing.length && n.frame_in !== null && n.frame_in <= S.frame && S.frame <= (n.frame_out ?? n.frame_in)) strokes.push(...n.drawing);
  strokes.push(...S.ink); if (S.stroke) strokes.push(S.stroke);
  for (const s of strokes) {
    ctx.strokeStyle = s.color; ctx.lineWidth = s.width; ctx.lineCap = ctx.lineJoin = "round"; ctx.beginPath();
    s.points.forEach(([x, y], i) => { const px = rect.x + x * rect.w, py = rect.y + y * rect.h; i ? ctx.lineTo(px, py) : ctx.moveTo(px, py); });
    ctx.stroke();
  }
}
function timecode(f) {
  const fps = Math.round(S.a ? S.a.fps : 24), n = f - (S.a && S.a.frames ? S.a.frames[0] : 0);
  const p = (x) => String(x).padStart(2, "0");
  return `${p(Math.floor(n / (fps * 3600)))}:${p(Math.floor(n / (fps * 60)) % 60)}:${p(Math.floor(n / fps) % 60)}:${p(n % fps)}`;
}

// ------------------------------------------------------------------ transport: frame accurate, at the shot's rate
function seek(f) {
  if (!S.a || !S.a.frames) return;
  S.frame = Math.min(Math.max(Math.round(f), S.a.frames[0]), S.a.frames[1]); draw();
}
function step(d) { S.playing = false; seek(S.frame + d); updatePlay(); }
function play(speed) {
  if (!S.a || !S.a.frames) return;
  S.speed = speed; S.playing = speed !== 0; S.t0 = performance.now(); S.f0 = S.frame; updatePlay();
  if (S.playing) requestAnimationFrame(tick);
}
function tick(now) {
  if (!S.playing) return;
  const lo = S.inF, hi = S.outF, span = hi - lo + 1;
  let f = S.f0 + Math.floor(((now - S.t0) / 1000) * S.a.fps * S.speed) * 1;
  if (S.speed < 0) f = S.f0 - Math.floor(((now - S.t0) / 1000) * S.a.fps * -S.speed);
  if (f > hi || f < lo) {
    if ($("loop").checked) f = lo + ((((f - lo) % span) + span) % span);
    else { f = Math.min(Math.max(f, lo), hi); S.playing = false; updatePlay(); }
  }
  if (!image(S.a, f)) { S.t0 = now; S.f0 = S.frame; requestAnimationFrame(tick); return; } // hold until the frame is there
  if (f !== S.frame) seek(f);
  requestAnimationFrame(tick);
}
function updatePlay() {
  $("play").innerHTML = S.playing ? "&#10074;&#10074;" : "&#9654;";
  $("rate").textContent = S.playing ? `${S.speed > 0 ? "" : "-"}${Math.abs(S.speed)}x @ ${S.a.fps} fps` : "";
  $("inout").textContent = S.a && S.a.frames ? `${S.inF}-${S.outF}` : "";
}
$("play").onclick = () => play(S.playing ? 0 : 1);
$("prev").onclick = () => step(-1); $("next").onclick = () => step(1);
$("frame").onchange = () => { S.playing = false; seek(+$("frame").value); updatePlay(); };
$("set-in").onclick = () => { S.inF = Math.min(S.frame, S.outF); updatePlay(); };
$("set-out").onclick = () => { S.outF = Math.max(S.frame, S.inF); updatePlay(); };
$("layer").onchange = () => { S.layer = $("layer").value; preload(S.a); preload(S.b); updateLoading(); draw(); };
$("ev").oninput = () => { S.ev = +$("ev").value; $("ev-val").textContent = `${S.ev > 0 ? "+" : ""}${S.ev} EV`; preload(S.a); preload(S.b); updateLoading(); draw(); };
$("fit").onclick = () => { S.zoom = 1; S.panX = S.panY = 0; draw(); };
$("b-version").onchange = () => { const v = +$("b-version").value; S.b = v ? findVersion(S.a.shot, v) : null; preload(S.b); updateLoading(); draw(); };
$("ab-mode").onchange = () => { S.mode = $("ab-mode").value; draw(); };
$("wipe").oninput = () => { S.wipe = +$("wipe").value; draw(); };
document.addEventListener("keydown", (e) => {
  if (["INPUT", "TEXTAREA", "SELECT"].includes(e.target.tagName)) return;
  const k = e.key.toLowerCase();
  if (k === "arrowleft") step(-1); else if (k === "arrowright") step(1);
  else if (k === " ") { e.preventDefault(); play(S.playing ? 0 : 1); }
  else if (k === "k") play(0);
  else if (k === "l") play(S.playing && S.speed > 0 ? Math.min(S.speed * 2, 8) : 1);
  else if (k === "j") play(S.playing && S.speed < 0 ? Math.max(S.speed * 2, -8) : -1);
  else if (k === "i") $("set-in").click(); else if (k === "o") $("set-out").click();
  else if (k === "t") { S.toggleB = !S.toggleB; draw(); }
  else if (k === "f") $("fit").click(); else if (k === "d") $("draw").click();
  else if (k === "home") seek(S.inF); else if (k === "end") seek(S.outF);
});
window.addEventListener("resize", draw);

// ------------------------------------------------------------------ zoom, pan, drawing on the frame
canvas.addEventListener("wheel", (e) => {
  e.preventDefault(); const old = S.zoom; S.zoom = Math.min(Math.max(S.zoom * (e.deltaY < 0 ? 1.25 : 0.8), 0.25), 32);
  const cx = e.offsetX - canvas.width / 2, cy = e.offsetY - canvas.height / 2;
  S.panX = cx - (cx - S.panX) * (S.zoom / old); S.panY = cy - (cy - S.panY) * (S.zoom / old); draw();
}, { passive: false });
canvas.addEventListener("pointerdown", (e) => {
  canvas.setPointerCapture(e.pointerId);
  if (S.drawMode && S.rect) S.stroke = { color: "#ff3b30", width: 3, points: [toImage(e)] };
  else S.drag = { x: e.clientX - S.panX, y: e.clientY - S.panY };
});
canvas.addEventListener("pointermove", (e) => {
  if (S.stroke) { S.stroke.points.push(toImage(e)); draw(); }
  else if (S.drag) { S.panX = e.clientX - S.drag.x; S.panY = e.clientY - S.drag.y; draw(); }
});
canvas.addEventListener("pointerup", () => {
  if (S.stroke && S.stroke.points.length > 1) S.ink.push(S.stroke);
  S.stroke = null; S.drag = null; draw();
});
function toImage(e) {
  const r = S.rect; return [+((e.offsetX - r.x) / r.w).toFixed(4), +((e.offsetY - r.y) / r.h).toFixed(4)];
}
$("draw").onclick = () => { S.drawMode = !S.drawMode; $("draw").classList.toggle("on", S.drawMode); canvas.classList.toggle("drawing", S.drawMode); };
$("clear-ink").onclick = () => { S.ink = []; draw(); };

// ------------------------------------------------------------------ notes, statuses, history
async function loadNotes() {
  if (!S.a) return;
  S.notes = (await api(`/api/notes?shot=${S.a.shot}&version=${S.a.version}`)).notes;
  const box = $("notes"); box.innerHTML = "";
  for (const n of S.notes) {
    const el = document.createElement("div"); el.className = "note" + (n.parent_id ? " reply" : ""); el.dataset.id = n.id;
    const where = n.frame_in === null ? "" : n.frame_out !== null && n.frame_out !== n.frame_in ? `frames ${n.frame_in}-${n.frame_out}` : `frame ${n.frame_in}`;
    el.innerHTML = `<div class="head"></div><div class="text"></div>`;
    el.querySelector(".head").textContent = `#${n.id} ${n.author} · ${where}${n.drawing.length ? " · drawing" : ""}`;
    el.querySelector(".text").textContent = n.body;
    el.querySelector(".head").onclick = () => { if (n.frame_in !== null) { S.playing = false; seek(n.frame_in); updatePlay(); } };
    if (!n.parent_id) {
      const reply = document.createElement("button"); reply.textContent = "reply"; reply.onclick = () => replyTo(n, el);
      const next = document.createElement("button"); next.textContent = "make next version"; next.className = "make-next";
      next.onclick = () => previewChange(n);
      el.append(reply, " ", next);
    }
    box.append(el);
  }
  draw();
}
function replyTo(n, el) {
  if (el.querySelector("textarea")) return;
  const t = document.createElement("textarea"); t.rows = 2; t.className = "reply-body";
  const b = document.createElement("button"); b.textContent = "send reply"; b.className = "send-reply";
  b.onclick = async () => {
    try { await api("/api/notes", { shot: S.a.shot, version: S.a.version, body: t.value, author: author(), parent_id: n.id, frame_in: n.frame_in, frame_out: n.frame_out, client_key: key() }); await loadNotes(); loadAudit(); }
    catch (err) { $("note-error").textContent = err.message; }
  };
  el.append(t, b);
}
function key() { return (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2) + Date.now()).replace(/[^A-Za-z0-9]/g, ""); }
$("add-note").onclick = async () => {
  $("note-error").textContent = "";
  if (!S.a) return;
  const range = $("note-range").checked;
  try {
    await api("/api/notes", {
      shot: S.a.shot, version: S.a.version, body: $("note-body").value, author: author(),
      frame_in: range ? S.inF : S.frame, frame_out: range ? S.outF : S.frame, drawing: S.ink, client_key: key(),
    });
    $("note-body").value = ""; S.ink = []; await loadNotes(); loadAudit();
  } catch (err) { $("note-error").textContent = err.message; }
};
document.querySelectorAll("#status-buttons button").forEach((b) => b.onclick = async () => {
  try { await api("/api/status", { shot: S.a.shot, version: S.a.version, status: b.dataset.status, author: author() }); await loadShots(true); loadAudit(); }
  catch (err) { $("note-error").textContent = err.message; }
});
async function loadAudit() {
  if (!S.a) return;
  const rows = (await api(`/api/audit?shot=${S.a.shot}`)).audit.reverse();
  const ol = $("audit"); ol.innerHTML = "";
  for (const r of rows.slice(0, 50)) {
    const li = document.createElement("li"), d = r.detail;
    const what = r.action === "status" ? `${d.from.replace("_", " ")} -> ${d.to.replace("_", " ")}` : r.action === "new_version" ? `asked for the next version (job ${d.job})` : `${r.action} #${d.note}`;
    li.textContent = `${new Date(r.at * 1000).toLocaleString()} ${r.author}: v${String(r.version).padStart(3, "0")} ${what}`;
    ol.append(li);
  }
}

// ------------------------------------------------------------------ notes that become the next version
async function previewChange(n) {
  $("note-error").textContent = "";
  try {
    const c = await api("/api/note_preview", { shot: S.a.shot, version: S.a.version, note: n.body, note_id: n.id, author: author() });
    S.change = n; $("change-preview").hidden = false; $("change-note").textContent = `#${n.id}`;
    $("change-list").innerHTML = ""; for (const line of c.changes) { const li = document.createElement("li"); li.textContent = line; $("change-list").append(li); }
    $("change-unparsed").textContent = c.unparsed.length ? `not understood: ${c.unparsed.join(", ")}` : "every word understood";
  } catch (err) { $("note-error").textContent = err.message; }
}
$("change-cancel").onclick = () => { $("change-preview").hidden = true; };
$("change-go").onclick = async () => {
  const n = S.change; $("change-preview").hidden = true;
  try { await api("/api/next_version", { shot: S.a.shot, version: S.a.version, note: n.body, note_id: n.id, author: author() }); pollJobs(); loadAudit(); }
  catch (err) { $("note-error").textContent = err.message; }
};
async function pollJobs() {
  if (!S.a) return;
  const jobs = (await api(`/api/jobs?shot=${S.a.shot}`)).jobs;
  const box = $("jobs"); box.innerHTML = "";
  let active = false;
  for (const j of jobs.slice(0, 5)) {
    const el = document.createElement("div"); el.className = "job"; el.dataset.state = j.state;
    const to = j.to_version ? `v${String(j.to_version).padStart(3, "0")}` : "next version";
    el.innerHTML = `<div></div><progress max="1"></progress>`;
    el.querySelector("div").textContent = `${to} from v${String(j.from_version).padStart(3, "0")}: ${j.state} · ${j.message}`;
    el.querySelector("progress").value = j.progress;
    box.append(el);
    if (j.state === "queued" || j.state === "running") active = true;
    if (j.state === "done" && !S.seenDone?.has(j.id)) { (S.seenDone ||= new Set()).add(j.id); loadShots(true); }
  }
  if (active) setTimeout(pollJobs, 1000);
}

loadShots(false).then(() => {
  const first = S.shots[0]?.shots[0]?.versions[0];
  if (first) selectVersion(first);
  pollJobs();
}).catch((err) => { $("empty").textContent = err.message; });
