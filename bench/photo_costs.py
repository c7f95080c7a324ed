"""Sections 2 and 3 of bench/photo_ingest.py: the 12 MP HEIC, Pillow vs libvips, and the cost
(time, peak RSS) of hostile and worst-case files. Prints figures; asserts nothing."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from backend.photos import pipeline
from tests.phone_photos import phone_photo
from tests.photos import costly_images as costly
from tests.photos.peak_memory import ROOT, probe

HEIC = "iphone-13-pro-max.heic"
REAL_PHOTOS = [HEIC, "pug.heic", "camera-2008-gps-italy.jpg", "portrait-orientation-8.jpg"]
MiB = 1024 * 1024

# The derivatives made by libvips: shrink-on-load thumbnail (autorotated, to sRGB), no metadata
# in the JPEGs, phash of the thumbnail; EXIF time/GPS would still be read by the pipeline.
VIPS_PATH = """
def vips_photo(data):
    import io, imagehash, pyvips
    from PIL import Image
    display = pyvips.Image.thumbnail_buffer(data, 1600, size="down", export_profile="srgb")
    thumb = display.thumbnail_image(320)
    options = dict(Q=82, interlace=True, optimize_coding=True)
    new = (pyvips.version(0), pyvips.version(1)) >= (8, 15)
    options.update(keep="none") if new else options.update(strip=True)
    thumb_jpeg = thumb.jpegsave_buffer(**options)
    phash = str(imagehash.phash(Image.open(io.BytesIO(thumb_jpeg))))
    return display.jpegsave_buffer(**options), thumb_jpeg, phash
"""

# Each path runs in a child process of its own: Debian's libvips 8.14 (with its own libheif)
# and pillow-heif's bundled libheif crash when loaded into one process.
RUNS = """
import gc, json, statistics, sys, time
sys.path.insert(0, {root!r})
{define}
def status(field):
    with open("/proc/self/status") as lines:
        return next(int(line.split()[1]) * 1024 for line in lines if line.startswith(field + ":"))
data = open({path!r}, "rb").read()
gc.collect()
with open("/proc/self/clear_refs", "w") as clear:
    clear.write("5")
before, samples, peaks = status("VmRSS"), [], []
for _ in range({runs} + 1):
    start = time.perf_counter()
    {call}
    samples.append(time.perf_counter() - start)
    peaks.append(status("VmHWM") - before)
timed = sorted(samples[1:])
print(json.dumps({{"median": statistics.median(timed), "p90": timed[round(0.9 * (len(timed) - 1))],
                  "first": peaks[0], "peak": peaks[-1]}}))
"""


def _runs(path: Path, define: str, call: str, runs: int) -> dict[str, float] | str:
    """Median/p90 seconds after a warm-up call; peak RSS growth after the first and all calls."""
    code = RUNS.format(root=str(ROOT), path=str(path), define=define, call=call, runs=runs)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if done.returncode:
        return " ".join((done.stderr.strip() or f"exit {done.returncode}").split())[-200:]
    return json.loads(done.stdout.splitlines()[-1])


def heic_section(runs: int) -> None:
    path = phone_photo(HEIC)
    data = path.read_bytes()
    result = pipeline.process_photo(data)
    print(f"\n2. {HEIC}: {result.width}x{result.height}, {len(data) / 1e6:.2f} MB, {runs} runs")
    define = "from backend.photos.pipeline import process_photo"
    paths = {
        "Pillow + pillow-heif (the pipeline)": _runs(path, define, "process_photo(data)", runs),
        "libvips via pyvips (thumbnail)": _runs(path, VIPS_PATH, "vips_photo(data)", runs),
    }
    print(f"  {'path':38} {'median s':>9} {'p90 s':>7} {'1st MiB':>8} {'peak MiB':>9}")
    for name, figures in paths.items():
        if isinstance(figures, str):
            print(f"  {name:38} failed: {figures}")
            continue
        print(
            f"  {name:38} {figures['median']:9.2f} {figures['p90']:7.2f}"
            f" {figures['first'] / MiB:8.0f} {figures['peak'] / MiB:9.0f}"
        )
    print("  MiB: peak RSS growth of a fresh process after its first call and after all calls")


def _hostile_files() -> dict[str, bytes]:
    iphone = phone_photo(HEIC).read_bytes()
    files = {
        "webp lossless 16383x2441 (issue)": costly.lossless_webp(),
        "png 16-bit RGBA 6000x6600 (issue)": costly.raw_png(),
        "png 16-bit grey 6000x6600": costly.raw_png(costly.PNG16_SIZE, 16, 0),
        "iphone heic cut at 60%": costly.cut(iphone, 0.6),
        "iphone heic cut at 99%": costly.cut(iphone, 0.99),
        "tiled heic cut at 60%": costly.cut(costly.grid_heic(), 0.6),
    }
    files |= {f"worst accepted: {name}": data for name, data in costly.worst_accepted().items()}
    return files | {f"real: {name}": phone_photo(name).read_bytes() for name in REAL_PHOTOS}


def hostile_section(before: Path | None) -> None:
    print("\n3. hostile and worst-case files: one process_photo each in a fresh process")
    header = f"  {'file':48} {'KB':>7} {'outcome':>17} {'s':>6} {'peak MiB':>8} {'est MiB':>7}"
    print(header + ("   before: outcome / s / peak MiB" if before else ""))
    with tempfile.TemporaryDirectory() as folder:
        for name, data in _hostile_files().items():
            path = Path(folder) / "photo"
            path.write_bytes(data)
            now = probe(path)
            estimate = f"{now.estimate / MiB:.0f}" if now.estimate else "-"
            line = f"  {name:48} {len(data) / 1000:7.1f} {now.outcome:>17} {now.seconds:6.2f}"
            line += f" {now.growth / MiB:8.0f} {estimate:>7}"
            if before:
                then = probe(path, root=before)
                line += f"   {then.outcome} / {then.seconds:.2f} / {then.growth / MiB:.0f}"
            print(line)
    print(f"  estimate refused above PHOTO_MAX_DECODE_BYTES = {now.budget / MiB:.0f} MiB")
