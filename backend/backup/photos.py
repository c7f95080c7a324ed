"""Copy photo files between the configured store (local or S3) and a backup folder.

The photos table names every photo, so no bucket listing is needed: each photo's original and
its derivatives are copied through the storage interface, which works the same on S3. Originals
are content-addressed, so the store verifies each copy against its hash on the way in.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from backend.photos.storage import KeyKind, LocalStorage, PhotoStorage, key_for

KINDS: tuple[KeyKind, ...] = ("original", "display", "thumb")


def copy_photos(mimes: Mapping[str, str], source: PhotoStorage, target: PhotoStorage) -> list[str]:
    """Copy every file of each photo (sha → the original's type); returns the keys of
    originals that `source` lacks."""
    missing = []
    for sha, mime in mimes.items():
        for kind in KINDS:
            key = key_for(kind, sha)
            if not source.exists(key):
                if kind == "original":
                    missing.append(key)
                continue
            if not target.exists(key):
                target.put(key, source.get(key), mime if kind == "original" else "image/jpeg")
    return missing


def backup_store(folder: Path) -> LocalStorage:
    return LocalStorage(folder / "photos")
