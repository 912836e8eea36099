"""The review page in a real browser (Debian's chromium driven by Playwright): open, play, step to a frame,
draw a note, A/B two versions, approve, reload and find it all there. A screenshot of each step is saved
(in PLANO_REVIEW_SCREENS when set, else the test's temporary folder)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).is_file():
    pytest.skip(f"no browser: Debian's chromium is not at {CHROMIUM} (apt-get install chromium; `make` does it)",
                allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install playwright "
                                                   "(never `playwright install`: the test uses Debian's chromium)")
pytest.importorskip("uvicorn", reason="the review server needs uvicorn: pip install 'plano[review]'")

from playwright.sync_api import sync_playwright  # noqa: E402
from review_fixtures import SHOT, Server, frame_rgb, make_shots  # noqa: E402

from plano.color import to_8bit  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
LOADED = ("() => { const l = document.getElementById('loading'); "
          "return l.dataset.total && l.dataset.loaded === l.dataset.total; }")


def display(frame: int, version: int) -> np.ndarray:
    return to_8bit(np.array([[frame_rgb(frame, version)]], np.float32))[0, 0].astype(int)


def pixel(page, x: float, y: float) -> np.ndarray:
    return np.array(page.evaluate(
        "([x, y]) => Array.from(document.getElementById('view').getContext('2d').getImageData(x, y, 1, 1).data)",
        [x, y])[:3])


def frame_centre(page) -> tuple[float, float]:
    r = page.evaluate("() => window.plano.rect")
    return r["x"] + r["w"] * 0.5, r["y"] + r["h"] * 0.5


def test_review_page_open_play_step_draw_ab_approve_reload(tmp_path):
    shots = make_shots(tmp_path)
    screens = Path(os.environ.get("PLANO_REVIEW_SCREENS", tmp_path / "screens"))
    shutil.rmtree(screens, ignore_errors=True)
    screens.mkdir(parents=True)
    errors: list[str] = []
    with Server(shots) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 850})
        page.on("pageerror", lambda e: errors.append(str(e)))

        # open: the newest version first, its first frame, every frame preloaded
        page.goto(f"{server.url}/#token={server.token}")
        page.wait_for_function(LOADED, timeout=30000)
        assert "token=" not in page.url  # the token leaves the address bar
        names = page.locator(".version").evaluate_all("els => els.map(e => e.dataset.name)")
        assert names == [f"{SHOT}_v002", f"{SHOT}_v001"]
        assert "lens 35 -> 50 mm, hour 15:30 -> 17:30" in page.inner_text(".version.current")
        assert page.get_attribute("#view", "data-frame") == "1001"
        assert np.abs(pixel(page, *frame_centre(page)) - display(1001, 2)).max() <= 4
        page.screenshot(path=screens / "01_open.png")

        # play at the shot's rate
        t0 = time.monotonic()
        page.click("#play")
        page.wait_for_function("() => +document.getElementById('view').dataset.frame >= 1007", timeout=10000)
        elapsed = time.monotonic() - t0
        page.screenshot(path=screens / "02_play.png")
        page.keyboard.press("k")
        assert elapsed >= 6 / 24 * 0.9, f"6 frames at 24 fps take 0.25 s, the page took {elapsed:.3f} s"
        assert page.inner_text("#play") != "\u275a\u275a"

        # step to a frame: type 1004, two steps forward; the frame shown is 1006, by its pixels
        page.fill("#frame", "1004")
        page.press("#frame", "Enter")
        page.click("#view")  # the keys go to the player
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        assert page.get_attribute("#view", "data-frame") == "1006"
        assert page.inner_text("#timecode") == "00:00:00:05"
        assert np.abs(pixel(page, *frame_centre(page)) - display(1006, 2)).max() <= 4
        page.screenshot(path=screens / "03_step_to_1006.png")

        # draw a note on the frame
        page.click("#draw")
        r = page.evaluate("() => window.plano.rect")
        box = page.locator("#view").bounding_box()
        x0, y0 = box["x"] + r["x"] + r["w"] * 0.2, box["y"] + r["y"] + r["h"] * 0.3
        page.mouse.move(x0, y0)
        page.mouse.down()
        for k in range(1, 11):
            page.mouse.move(x0 + r["w"] * 0.05 * k, y0 + r["h"] * 0.03 * k)
        page.mouse.up()
        page.fill("#note-body", "the dust reads too thin on the left; try 50mm")
        page.click("#add-note")
        page.wait_for_selector(".note .head:has-text('drawing')")
        ink = pixel(page, r["x"] + r["w"] * 0.45, r["y"] + r["h"] * 0.45)
        assert ink[0] > 200 and ink[1] < 100, f"the red stroke is not on the frame: {ink}"
        page.screenshot(path=screens / "04_note_drawn.png")

        # A/B against v001: the same frame on both sides, then wipe and difference
        page.select_option("#b-version", "1")
        page.wait_for_function(LOADED, timeout=30000)
        page.wait_for_function("() => document.getElementById('view').dataset.bframe === '1006'", timeout=10000)
        page.screenshot(path=screens / "05_ab_side_by_side.png")
        page.select_option("#ab-mode", "wipe")
        page.screenshot(path=screens / "06_ab_wipe.png")
        r = page.evaluate("() => window.plano.rect")
        left = pixel(page, r["x"] + r["w"] * 0.25, r["y"] + r["h"] * 0.8)
        right = pixel(page, r["x"] + r["w"] * 0.75, r["y"] + r["h"] * 0.8)
        assert np.abs(left - display(1006, 2)).max() <= 4 and np.abs(right - display(1006, 1)).max() <= 4
        page.select_option("#ab-mode", "diff")
        diff = pixel(page, r["x"] + r["w"] * 0.75, r["y"] + r["h"] * 0.8)
        expected = np.abs(display(1006, 2) - display(1006, 1))
        assert np.abs(diff - expected).max() <= 6, (diff, expected)
        page.screenshot(path=screens / "07_ab_difference.png")

        # approve
        page.click("#status-buttons [data-status=approved]")
        page.wait_for_selector(".version.current .badge.approved")
        page.screenshot(path=screens / "08_approved.png")

        # reload: the note, its drawing and the approval are all there
        page.reload()
        page.wait_for_function(LOADED, timeout=30000)
        page.wait_for_selector(".note:has-text('the dust reads too thin')", timeout=10000)  # notes load after frames
        assert "approved" in page.inner_text(".version.current .badge")
        page.click(".note .head")
        assert page.get_attribute("#view", "data-frame") == "1006"
        r = page.evaluate("() => window.plano.rect")
        ink = pixel(page, r["x"] + r["w"] * 0.45, r["y"] + r["h"] * 0.45)
        assert ink[0] > 200 and ink[1] < 100, f"the note's drawing is not back on frame 1006: {ink}"
        page.wait_for_selector("#audit li:has-text('pending review -> approved')", timeout=10000)
        page.screenshot(path=screens / "09_after_reload.png")
        browser.close()
    assert errors == []
    stored = server.state.db.notes(SHOT, 2)
    assert len(stored) == 1 and stored[0]["frame_in"] == 1006 and len(stored[0]["drawing"][0]["points"]) >= 10
    assert server.state.db.statuses()[(SHOT, 2)]["status"] == "approved"
