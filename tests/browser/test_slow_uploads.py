"""Uploads that finish on any link (contract §3), on a 360×740 phone with the network throttled
through CDP (upload 2500 bytes/s, 400 ms latency): a rectification with a ~300 KB after-photo
reaches the server exactly once and no gunicorn worker times out; a photo cut off mid-upload
resumes from the server's offset after a reload, without sending it again from the start."""

from __future__ import annotations

import io
import time

import pytest

from tests.browser.support import LiveServer, login
from tests.browser.tickets_setup import act, failing_inspection, shared_estate

expect = pytest.importorskip("playwright.sync_api").expect

SLOW = {"offline": False, "latency": 400, "downloadThroughput": 40_000, "uploadThroughput": 2_500}
CUT = {**SLOW, "offline": True}


def _photo_of_about_300_kb(path):
    """A photo whose phone re-encoding (1600 px, quality 0.8) is about 300 KB: coarse noise."""
    from PIL import Image

    small = Image.effect_noise((1600 // 6, 1200 // 6), 40).convert("RGB")
    buffer = io.BytesIO()
    small.resize((1600, 1200), Image.BILINEAR).save(buffer, "JPEG", quality=95)
    path.write_bytes(buffer.getvalue())
    return path


def _accepted_ticket(server: LiveServer, seed: int) -> dict:
    estate = shared_estate(server, "inspector1", "firm1")
    [ticket] = failing_inspection(server, estate, seed=seed)
    act(server, ticket["id"], "accept", "firm1")
    return ticket


def _firm_phone(browser, server: LiveServer, ticket: dict):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # Upload requests the phone made, and those that reached the server (the browser does not
    # report Blob bodies: the offsets tell what each chunk carried).
    made: list = []  # Playwright requests, in the order the page made them
    sent: list[dict] = []
    context.on("request", lambda r: "/api/photos/uploads" in r.url and made.append(r))
    context.on(
        "requestfinished",
        lambda r: (
            "/api/photos/uploads" in r.url
            and sent.append(
                {"method": r.method, "offset": r.headers.get("upload-offset"), "request": r}
            )
        ),
    )
    page.goto(f"{server.base}/")
    login(page, "firm1")
    expect(page.get_by_test_id("home-firm")).to_be_visible()
    page.goto(f"{server.base}/ticket/{ticket['id']}")
    expect(page.get_by_test_id("ticket-detail")).to_have_attribute("data-state", "accepted")
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW)
    return context, page, cdp, errors, sent, made


def _rectify(page, photo) -> None:
    page.get_by_test_id("action-rectify").click()
    page.get_by_test_id("after-photo-input").set_input_files(photo)
    expect(page.get_by_test_id("after-thumb")).to_have_count(1, timeout=30_000)
    page.get_by_test_id("submit-action").click()
    page.get_by_test_id("sync-badge").click()  # in-app navigation: the upload goes on
    expect(page.get_by_test_id("sync")).to_be_visible()


def _progress(page) -> tuple[int, int]:
    bar = page.get_by_test_id("photo-progress").first
    return int(bar.get_attribute("data-sent") or 0), int(bar.get_attribute("data-total") or 0)


def _server_log(server: LiveServer) -> str:
    assert server.log is not None
    return server.log.read_text(encoding="utf-8", errors="replace")


def test_rectification_over_a_slow_link_arrives_once(browser, live_server, artifacts, tmp_path):
    server = live_server
    ticket = _accepted_ticket(server, seed=71)
    photo = _photo_of_about_300_kb(tmp_path / "IMG_slow.jpg")
    log_before = len(_server_log(server))
    context, page, _cdp, errors, sent, made = _firm_phone(browser, server, ticket)
    started = time.monotonic()
    _rectify(page, photo)

    # Progress per photo, in bytes, while it goes.
    expect(page.get_by_test_id("photo-progress")).to_have_count(1, timeout=30_000)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        done, total = _progress(page)
        if 0 < done < total:
            break
        time.sleep(1)
    assert 0 < done < total, (done, total)
    assert total > 200_000, f"the after-photo is {total} bytes, meant to be about 300 KB"
    page.screenshot(path=artifacts / "70-slow-upload-progress-360.png", full_page=True)

    item = page.get_by_test_id("queued-action-item")
    expect(item).to_have_count(0, timeout=400_000)  # sent: the record leaves the list
    took = time.monotonic() - started
    page.screenshot(path=artifacts / "71-slow-upload-done-360.png", full_page=True)

    stored = server.get(f"/api/tickets/{ticket['id']}", "firm1")
    assert stored["state"] == "rectified"
    assert [e["action"] for e in stored["events"]].count("rectify") == 1
    after = [p["sha256"] for p in stored["photos"] if p["kind"] == "after"]
    assert len(after) == 1
    assert server.call("HEAD", f"/api/photos/{after[0]}", user="firm1")[0] == 200
    patches = [r for r in sent if r["method"] == "PATCH"]
    offsets = [int(r["offset"]) for r in patches]
    assert len(patches) >= 5, "sent in chunks"
    assert offsets[0] == 0 and offsets == sorted(set(offsets)), f"every byte once: {offsets}"
    assert [r.method for r in made].count("POST") == 1, made
    assert took > total / 2_500 * 0.8, f"throttled: {took:.0f} s for {total} bytes"
    log = _server_log(server)[log_before:]
    assert "WORKER TIMEOUT" not in log, log[-3000:]
    print(f"\nslow link: {total} bytes in {len(patches)} chunks, {took:.0f} s")
    assert not errors, errors
    context.close()


def test_cut_mid_photo_resumes_after_a_reload(browser, live_server, artifacts, tmp_path):
    server = live_server
    ticket = _accepted_ticket(server, seed=81)
    photo = _photo_of_about_300_kb(tmp_path / "IMG_cut.jpg")
    context, page, cdp, errors, sent, made = _firm_phone(browser, server, ticket)
    _rectify(page, photo)

    # Cut the link in the middle of the photo, after a few chunks went through.
    expect(page.get_by_test_id("photo-progress")).to_have_count(1, timeout=30_000)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and _progress(page)[0] < 40_000:
        time.sleep(0.5)
    cdp.send("Network.emulateNetworkConditions", CUT)
    context.set_offline(True)
    upload = page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open('wuhao');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const all = open.result.transaction('photos').objectStore('photos').getAll();
                all.onsuccess = () => resolve(all.result.map((p) => p.upload).find(Boolean) ?? null);
            };
        })"""
    )
    assert upload and upload["url"], upload
    status, headers, _ = server.call(
        "HEAD", upload["url"], user="firm1", headers={"Tus-Resumable": "1.0.0"}
    )
    assert status == 200
    server_offset = int(headers["Upload-Offset"])
    total = int(headers["Upload-Length"])
    assert 0 < server_offset < total, (server_offset, total)
    # A chunk cut mid-way may still report as finished later: only what the page asks after the
    # reload is the resumption.
    made_before_reload = len(made)

    # Reload without signal: the shell from the service worker, the upload from IndexedDB.
    page.reload()
    expect(page.get_by_test_id("sync")).to_be_visible()
    expect(page.get_by_test_id("photo-progress")).to_have_count(1)
    page.screenshot(path=artifacts / "72-upload-cut-reloaded-360.png", full_page=True)

    # Signal back (still slow): it goes on from the server's offset. (The CDP session outlives the
    # reload: the same one lifts the cut.)
    cdp.send("Network.emulateNetworkConditions", SLOW)
    context.set_offline(False)
    expect(page.get_by_test_id("queued-action-item")).to_have_count(0, timeout=400_000)
    page.screenshot(path=artifacts / "73-upload-resumed-done-360.png", full_page=True)

    after_reload = {id(r) for r in made[made_before_reload:]}
    resumed = [r for r in sent if r["method"] == "PATCH" and id(r["request"]) in after_reload]
    assert resumed, sent
    offsets = [int(r["offset"]) for r in resumed]
    assert min(offsets) >= server_offset, f"resumed, not started over: {offsets}"
    assert offsets == sorted(set(offsets)), f"no chunk sent twice after the reload: {offsets}"
    posts = [r.method for r in made].count("POST")
    assert posts == 1, f"the same upload, not a new one: {[r.method for r in made]}"
    stored = server.get(f"/api/tickets/{ticket['id']}", "firm1")
    assert stored["state"] == "rectified"
    assert [e["action"] for e in stored["events"]].count("rectify") == 1
    print(f"\ncut at {server_offset} of {total} bytes; resumed with {len(resumed)} chunks")
    assert not errors, errors
    context.close()
