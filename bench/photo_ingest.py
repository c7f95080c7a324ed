"""Photo ingest benchmark: what the pipeline costs the server per photo (prints, no asserts).

Run: .venv/bin/python bench/photo_ingest.py [runs] [--before DIR]
1. A 12-megapixel phone JPEG: the pipeline (JPEG draft mode) against the same pipeline decoding
   at full size and vipsthumbnail (Debian libvips-tools) when installed; peak memory.
2. The real 12 MP iPhone HEIC: the pipeline (Pillow + pillow-heif) against libvips through
   pyvips (shrink-on-load thumbnail, sRGB, no metadata) when pyvips is importable.
3. Hostile and worst-case files: outcome, time and peak RSS growth of one process_photo each in
   a fresh process, with the pipeline's estimate; `--before DIR` probes another checkout (e.g.
   `git worktree add /tmp/before <commit>`) in the same run for before/after figures.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image, JpegImagePlugin  # noqa: E402

from backend.photos import pipeline  # noqa: E402
from backend.photos.cost import decode_cost  # noqa: E402
from bench.photo_costs import heic_section, hostile_section  # noqa: E402
from tests.photos.images import phone_jpeg  # noqa: E402

SIZE = (4000, 3000)


def summary(samples: list[float]) -> tuple[float, float]:
    """Median and p90 in milliseconds."""
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p90 * 1000


def timed(runs: int, actions: dict[str, Callable[[], object]]) -> dict[str, list[float]]:
    """Wall time of each action, taken in turns so that load from elsewhere hits all alike."""
    for action in actions.values():
        action()  # warm-up: imports, caches, first allocation of the arenas
    samples: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(runs):
        for name, action in actions.items():
            start = time.perf_counter()
            action()
            samples[name].append(time.perf_counter() - start)
    return samples


@contextmanager
def draft_disabled() -> Iterator[None]:
    """The same pipeline, but libjpeg decodes every pixel of the 12 MP original."""
    original = JpegImagePlugin.JpegImageFile.draft
    JpegImagePlugin.JpegImageFile.draft = lambda self, mode, size: None  # type: ignore[assignment,method-assign]
    try:
        yield
    finally:
        JpegImagePlugin.JpegImageFile.draft = original  # type: ignore[method-assign]


def decode(data: bytes, *, draft: bool) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    if draft:
        image.draft("RGB", pipeline._fit(image.size, pipeline.DISPLAY_MAX_SIDE))
    image.load()
    return image


def stages(data: bytes) -> dict[str, float]:
    """The pipeline's steps one by one (mirrors process_photo; for a breakdown only)."""
    p, marks, clock = pipeline, {}, time.perf_counter

    def mark(name: str, start: float) -> float:
        now = clock()
        marks[name] = now - start
        return now

    t = clock()
    hashlib.sha256(data).hexdigest()
    t = mark("sha256 of original", t)
    mime = p.sniff(data)
    assert mime is not None
    image = p._open(data, mime)
    t = mark("sniff + header", t)
    p._decode("verify", p._open(data, mime))
    p.jpeg_is_complete(data)
    t = mark("verify + EOI walk", t)
    full = image.size
    image.draft("RGB", p._fit(image.size, p.DISPLAY_MAX_SIDE))
    decode_cost(image, mime, full_size=full)
    t = mark("cost estimate", t)
    p._decode("load", image)
    t = mark("decode (draft)", t)
    p._metadata(image)
    icc = image.info.get("icc_profile")
    turn = p._orientation(image)
    t = mark("EXIF time/GPS/orientation", t)
    normal = p._normalise_mode(image)
    shrunk = normal.resize(
        p._fit(normal.size, p.DISPLAY_MAX_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0
    )
    display = p._to_srgb(shrunk.transpose(turn) if turn is not None else shrunk, icc)
    t = mark("resize, turn display", t)
    thumb = display.resize(
        p._fit(display.size, p.THUMB_MAX_SIDE), Image.Resampling.LANCZOS, reducing_gap=2.0
    )
    t = mark("resize thumb", t)
    str(pipeline.imagehash.phash(thumb))
    t = mark("phash", t)
    p._jpeg(display)
    p._jpeg(thumb)
    mark("encode 2 JPEGs", t)
    return marks


MEMORY_PROBE = """
import gc, json, sys, tracemalloc
sys.path.insert(0, {root!r})
from PIL import JpegImagePlugin
from backend.photos.pipeline import process_photo

def status(field):
    with open("/proc/self/status") as lines:
        return next(int(line.split()[1]) for line in lines if line.startswith(field + ":"))

data = open({path!r}, "rb").read()
if {no_draft}:
    JpegImagePlugin.JpegImageFile.draft = lambda self, mode, size: None
gc.collect()
with open("/proc/self/clear_refs", "w") as clear:
    clear.write("5")  # reset the peak-RSS mark (VmHWM) to the current RSS
before = status("VmRSS")
tracemalloc.start()
process_photo(data)
_, peak = tracemalloc.get_traced_memory()
print(json.dumps({{"rss_before_kb": before, "hwm_kb": status("VmHWM"), "py_peak": peak}}))
"""


def memory(path: Path, *, no_draft: bool) -> dict[str, int]:
    """One process_photo in a fresh interpreter: peak RSS above the baseline, tracemalloc peak.

    VmHWM, not getrusage's ru_maxrss: on Linux the latter survives exec, so a child started by
    this (large) process would report the parent's peak.
    """
    code = MEMORY_PROBE.format(root=str(ROOT), path=str(path), no_draft=no_draft)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def vips(path: Path, runs: int) -> dict[str, list[float]] | None:
    """vipsthumbnail on the photo, and on a 16 x 16 JPEG to show the process start cost."""
    binary = shutil.which("vipsthumbnail")
    if binary is None:
        return None
    tiny = path.with_name("tiny.jpg")
    Image.new("RGB", (16, 16)).save(tiny)

    def run(source: Path) -> Callable[[], object]:
        target = f"{path.with_name('vips-out.jpg')}[Q=82,strip,interlace]"
        command = [binary, str(source), "--size", "1600", "-o", target]
        return lambda: subprocess.run(command, check=True, capture_output=True)

    return timed(runs, {"photo": run(path), "start": run(tiny)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="?", type=int, default=10)
    parser.add_argument("--before", type=Path, help="another checkout to probe the same files")
    parser.add_argument("--sections", default="123", help="which sections to run (default 123)")
    args = parser.parse_args()
    runs = args.runs
    if "1" in args.sections:
        jpeg_section(runs)
    if "2" in args.sections:
        heic_section(runs)
    if "3" in args.sections:
        hostile_section(args.before)


def jpeg_section(runs: int) -> None:
    data = phone_jpeg(SIZE, orientation=6, quality=92)
    result = pipeline.process_photo(data)
    print(
        f"source: {SIZE[0]}x{SIZE[1]} phone JPEG (q92, EXIF/GPS/XMP/ICC), {len(data) / 1e6:.2f} MB"
    )
    display_kb, thumb_kb = len(result.display) / 1e3, len(result.thumbnail) / 1e3
    print(
        f"output: display {display_kb:.0f} KB, thumb {thumb_kb:.1f} KB, phash {result.phash},"
        f" {runs} runs each, Python {sys.version.split()[0]}\n"
    )

    def without_draft() -> None:
        with draft_disabled():
            pipeline.process_photo(data)

    times = timed(
        runs,
        {
            "a": lambda: pipeline.process_photo(data),
            "b": without_draft,
            "decode_draft": lambda: decode(data, draft=True),
            "decode_full": lambda: decode(data, draft=False),
        },
    )
    fast, slow = summary(times["a"]), summary(times["b"])
    decode_draft, decode_full = summary(times["decode_draft"]), summary(times["decode_full"])
    rows: list[tuple[str, float, float, str]] = [
        ("(a) process_photo (draft)", *fast, "1.00x"),
        ("(b) same, full-size decode", *slow, f"{slow[0] / fast[0]:.2f}x"),
        ("    JPEG decode alone, draft", *decode_draft, ""),
        (
            "    JPEG decode alone, full",
            *decode_full,
            f"{decode_full[0] / decode_draft[0]:.2f}x draft",
        ),
    ]

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "phone.jpg"
        path.write_bytes(data)
        vips_samples = vips(path, runs)
        if vips_samples is None:
            vips_note = "vipsthumbnail: absent (apt-get install libvips-tools to compare)"
        else:
            timing, start = summary(vips_samples["photo"]), summary(vips_samples["start"])
            rows.append(("(c) vipsthumbnail 1600px", *timing, f"{timing[0] / fast[0]:.2f}x"))
            rows.append(("    vipsthumbnail on 16x16 (startup)", *start, ""))
            vips_note = "vipsthumbnail makes the display copy only: no verify, thumb or phash"
        mem_fast, mem_slow = memory(path, no_draft=False), memory(path, no_draft=True)

    print(f"{'what':36} {'median ms':>10} {'p90 ms':>9}  time vs (a)")
    for name, median, p90, ratio in rows:
        print(f"{name:36} {median:10.1f} {p90:9.1f}  {ratio}")
    print(vips_note)

    breakdown = [stages(data) for _ in range(runs)]
    print("\n(a) broken down (median ms):")
    for name in breakdown[0]:
        print(f"  {name:24} {statistics.median(b[name] for b in breakdown) * 1000:7.1f}")

    print("\n(d) peak memory of one process_photo (fresh interpreter, Linux VmHWM):")
    print(f"  {'':12} {'baseline':>9} {'peak':>9} {'growth':>9} {'tracemalloc':>12}")
    for name, probe in (("draft", mem_fast), ("full decode", mem_slow)):
        base, peak = probe["rss_before_kb"] / 1024, probe["hwm_kb"] / 1024
        print(
            f"  {name:12} {base:6.0f} MB {peak:6.0f} MB {peak - base:6.0f} MB"
            f" {probe['py_peak'] / 1e6:9.1f} MB"
        )
    print("  (tracemalloc sees Python objects only; Pillow's pixel buffers show in max-RSS)")


if __name__ == "__main__":
    main()
