"""Time and peak memory of one process_photo, in a fresh interpreter (used by tests and bench).

Pillow, libwebp and libheif allocate outside Python, so tracemalloc sees none of it. The child
resets its peak-RSS mark (VmHWM) once everything is imported, runs process_photo with the limits
the app is configured with, and reports how far VmHWM rose. ru_maxrss would not do: on Linux it
survives exec, so a child of a large process reports its parent's peak.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_PROBE = """
import gc, json, sys, time
sys.path.insert(0, {root!r})
from backend.config import load_config
from backend.photos import pipeline
try:
    from backend.photos.cost import decode_cost
except ImportError:  # an older checkout (bench --root): no estimate, no decode budget
    decode_cost = None

def status(field):
    with open("/proc/self/status") as lines:
        return next(int(line.split()[1]) * 1024 for line in lines if line.startswith(field + ":"))

config = load_config()
limits = {{
    "max_bytes": config["PHOTO_MAX_BYTES"],
    "max_pixels": config["PHOTO_MAX_PIXELS"],
}}
if decode_cost is not None:
    limits["max_decode_bytes"] = {budget} or config["PHOTO_MAX_DECODE_BYTES"]
data = open({path!r}, "rb").read()
estimate = None
mime = pipeline.sniff(data)
try:  # the estimate the pipeline makes, for the report (any failure: the pipeline decides)
    image = pipeline._open(data, mime)
    full = image.size
    if mime == "image/jpeg":
        image.draft("RGB", pipeline._fit(image.size, pipeline.DISPLAY_MAX_SIDE))
    estimate = decode_cost(image, mime, full_size=full)
    del image
except Exception:
    pass
gc.collect()
with open("/proc/self/clear_refs", "w") as clear:
    clear.write("5")  # reset VmHWM to the current RSS
before, start = status("VmRSS"), time.perf_counter()
try:
    photo = pipeline.process_photo(data, **limits)
    outcome = "accepted"
except pipeline.PhotoRejected as rejected:
    outcome = rejected.code
seconds = time.perf_counter() - start
print(json.dumps({{"outcome": outcome, "seconds": seconds, "growth": status("VmHWM") - before,
                  "baseline": before, "estimate": estimate, "budget": limits.get("max_decode_bytes")}}))
"""


@dataclass(frozen=True)
class Probe:
    outcome: str  # "accepted" or the rejection code
    seconds: float
    growth: int  # bytes the peak RSS rose by during process_photo
    baseline: int  # RSS before, in bytes
    estimate: int | None  # what decode_cost predicted
    budget: int | None  # None: the checkout had no decode budget


def probe(path: Path, *, root: Path = ROOT, budget: int = 0) -> Probe:
    """One process_photo of the file at `path` in a fresh interpreter (budget 0: configured)."""
    code = _PROBE.format(root=str(root), path=str(path), budget=budget)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    return Probe(**json.loads(done.stdout.splitlines()[-1]))
