"""Real phone and camera photos (an iPhone HEIC, a 2008 camera JPEG with GPS in Italy, a rotated portrait).

They are kept outside the repository, beside the project (WUHAO_PHONE_PHOTOS names another folder). A
missing folder fails the test: these files are what real phones send, so no test may pass without them.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PHONE_PHOTOS = Path(
    os.environ.get("WUHAO_PHONE_PHOTOS", ROOT.parent / "shared" / "testdata" / "photos")
)


def phone_photo(name: str) -> Path:
    path = PHONE_PHOTOS / name
    if not path.is_file():
        raise FileNotFoundError(
            f"real phone photo {name} not found in {PHONE_PHOTOS} (set WUHAO_PHONE_PHOTOS)"
        )
    return path
