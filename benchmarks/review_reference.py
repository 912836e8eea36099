"""A supervisor's pass over short versions of the reference shot in `plano review`, in Debian's chromium, timed.

    plano shot "<reference prompt>, 2 seconds, collapse starts at 0.5 s" --shots-dir /tmp/ref14/shots   # v001
    plano review /tmp/ref14/shots --port 8814 --token supervisor-token-0123456789 &
    python benchmarks/review_reference.py http://127.0.0.1:8814 supervisor-token-0123456789 docs/review

Opens the page, waits for every frame, plays the shot and counts the frames shown, A/Bs the two newest versions,
looks at the depth and dust passes with exposure, writes a note with a drawing, turns it into the next version,
waits for it to render, A/Bs it against the one before, sets the statuses, reloads, and opens the notes sheet.
Screenshots of each step go to the folder given; timings are printed. ``--look-only`` stops before the note.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
LOADED = ("() => { const l = document.getElementById('loading'); "
          "return l.dataset.total && l.dataset.loaded === l.dataset.total; }")
NOTE = "the building goes too soon: start the collapse half a second later, and no smoke"


def say(*words) -> None:
    print(*words, flush=True)


def main(url: str, token: str, out: Path, new_version: bool = True) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 900})
        page.on("pageerror", lambda e: say("page error:", e))
        t0 = time.monotonic()
        page.goto(f"{url}/#token={token}")
        page.wait_for_selector(".version")
        t1 = time.monotonic()
        page.wait_for_function(LOADED, timeout=300000)
        t2 = time.monotonic()
        frames = int(page.get_attribute("#loading", "data-total"))
        say(f"page open {t1 - t0:.2f} s; all {frames} frames of the comp there after {t2 - t0:.1f} s "
            f"({(t2 - t1) / frames * 1000:.0f} ms a frame, made on first view)")
        versions = page.locator(".version").evaluate_all("els => els.map(e => e.dataset.name)")
        say("versions (newest first):", versions)
        page.screenshot(path=out / "01_versions.png")

        # play once through and count what was shown
        page.evaluate("() => { window.seen = []; const v = document.getElementById('view');"
                      " new MutationObserver(() => window.seen.push([performance.now(), +v.dataset.frame]))"
                      ".observe(v, {attributes: true, attributeFilter: ['data-frame']}); }")
        page.uncheck("#loop")
        page.click("#play")
        time.sleep(0.5)
        page.wait_for_function("() => !window.plano.playing", timeout=60000)
        seen = page.evaluate("() => window.seen")
        shown = sorted({f for _, f in seen})
        span = (seen[-1][0] - seen[0][0]) / 1000 if len(seen) > 1 else 0
        say(f"played {len(shown)} distinct frames {shown[0]}-{shown[-1]} in {span:.2f} s "
            f"({(len(seen) - 1) / span if span else 0:.1f} frames/s shown; the shot is 24 fps)")
        page.check("#loop")

        # A/B the two newest versions at the frame the dust bursts
        page.fill("#frame", "1030")
        page.press("#frame", "Enter")
        page.select_option("#b-version", versions[1].rsplit("_v", 1)[1].lstrip("0"))
        page.wait_for_function(LOADED, timeout=300000)
        page.wait_for_function("() => document.getElementById('view').dataset.bframe === '1030'", timeout=60000)
        page.screenshot(path=out / "02_ab_side_by_side.png")
        page.select_option("#ab-mode", "wipe")
        page.screenshot(path=out / "03_ab_wipe.png")
        page.select_option("#b-version", "")

        # passes: depth, dust at +2 EV
        for layer, ev in (("depth", 0), ("dust", 2)):
            page.select_option("#layer", layer)
            page.fill("#ev", str(ev))
            page.dispatch_event("#ev", "input")
            page.wait_for_function(f"() => document.getElementById('view').dataset.layer === '{layer}/{ev}' && "
                                   "document.getElementById('view').dataset.frame === '1030'", timeout=120000)
            page.screenshot(path=out / f"04_pass_{layer}.png")
        page.select_option("#layer", "comp")
        page.fill("#ev", "0")
        page.dispatch_event("#ev", "input")

        if not new_version:  # --look-only: the player, A/B and passes, no note and no new version
            browser.close()
            return

        # a note with a drawing, turned into the next version
        page.click("#draw")
        r = page.evaluate("() => window.plano.rect")
        box = page.locator("#view").bounding_box()
        cx, cy = box["x"] + r["x"] + r["w"] * 0.47, box["y"] + r["y"] + r["h"] * 0.55
        page.mouse.move(cx + 120, cy)
        page.mouse.down()
        for k in range(0, 37):
            import math
            a = k / 36 * 2 * math.pi
            page.mouse.move(cx + 120 * math.cos(a), cy + 60 * math.sin(a))
        page.mouse.up()
        page.click("#draw")
        page.fill("#note-body", NOTE)
        page.click("#add-note")
        page.wait_for_selector(f".note:has-text('{NOTE[:20]}')")
        page.screenshot(path=out / "05_note_drawn.png")
        page.locator(".note .make-next").last.click()
        page.wait_for_selector("#change-preview:not([hidden])")
        say("preview of the change:", page.inner_text("#change-list").replace("\n", "; "), "|",
            page.inner_text("#change-unparsed"))
        page.screenshot(path=out / "06_change_preview.png")
        page.click("#change-go")
        t3 = time.monotonic()
        page.wait_for_selector(".job[data-state=running]", timeout=60000)
        shot_progress = False
        while True:
            state = page.get_attribute(".job", "data-state")
            if state in ("done", "failed"):
                break
            if not shot_progress and time.monotonic() - t3 > 60:
                page.screenshot(path=out / "07_rendering.png")
                shot_progress = True
            time.sleep(2)
        say(f"next version {state} after {time.monotonic() - t3:.0f} s:", page.inner_text("#jobs").split("\n")[0])
        time.sleep(2)
        versions = page.locator(".version").evaluate_all("els => els.map(e => e.dataset.name)")
        say("versions now:", versions)

        # the new version against the one it came from; statuses
        page.locator(".version").first.click()
        page.wait_for_function(LOADED, timeout=300000)
        page.fill("#frame", "1030")
        page.press("#frame", "Enter")
        page.select_option("#b-version", versions[1].rsplit("_v", 1)[1].lstrip("0"))
        page.wait_for_function(LOADED, timeout=300000)
        page.select_option("#ab-mode", "side")
        page.screenshot(path=out / "08_new_version_ab.png")
        page.click("#status-buttons [data-status=approved]")
        page.wait_for_selector(".version.current .badge.approved")
        for i in (1, 2):
            page.locator(".version").nth(i).click()
            page.wait_for_timeout(500)
            page.click("#status-buttons [data-status=needs_changes]")
            page.wait_for_selector(".version.current .badge.needs_changes")
        page.reload()
        page.wait_for_function(LOADED, timeout=300000)
        page.screenshot(path=out / "09_after_reload.png")
        say("statuses:", page.locator(".version .badge").all_inner_texts())
        sheet = browser.new_page(viewport={"width": 1100, "height": 900})
        sheet.goto(f"{url}/api/export/notes.html?shot=SEQ010_SH010")
        sheet.screenshot(path=out / "10_notes_sheet.png", full_page=False)
        browser.close()


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--look-only"]
    main(args[0], args[1], Path(args[2]), new_version="--look-only" not in sys.argv)
