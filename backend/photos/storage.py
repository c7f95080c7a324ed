"""Where photo bytes live: one small interface, with a local-disk and an S3 backend.

Pure module (no Flask, no database). Keys are content-addressed and made only by `key_for`;
every backend refuses any other key, so a key can never name a path outside the store.
Nothing here makes an object public: originals are evidence and are served only through the app.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import stat
import tempfile
from contextlib import closing, suppress
from pathlib import Path
from typing import Any, Final, Literal, Protocol, runtime_checkable
from urllib.parse import parse_qs, urlsplit

KeyKind = Literal["original", "display", "thumb"]
S3Client = Any  # boto3 ships no type information; the stubs are not a dependency

_FOLDERS: Final[dict[str, str]] = {"original": "originals", "display": "display", "thumb": "thumbs"}
_SHA256_RE: Final = re.compile(r"[0-9a-f]{64}")
# Originals keep no extension: their type is in the database, and no web server guesses one.
_KEY_RE: Final = re.compile(
    r"(?:originals/(?P<o_shard>[0-9a-f]{2})/(?P<o_sha>[0-9a-f]{64})"
    r"|(?:display|thumbs)/(?P<d_shard>[0-9a-f]{2})/(?P<d_sha>[0-9a-f]{64})\.jpg)"
)


def key_for(kind: KeyKind, sha256: str) -> str:
    """The storage key of one file of a photo, sharded by the first two hex digits."""
    if kind not in _FOLDERS:
        raise ValueError(f"unknown photo file kind {kind!r}")
    if not isinstance(sha256, str) or not _SHA256_RE.fullmatch(sha256):
        raise ValueError("a photo key needs a lowercase hex SHA-256")
    suffix = "" if kind == "original" else ".jpg"
    return f"{_FOLDERS[kind]}/{sha256[:2]}/{sha256}{suffix}"


def validate_key(key: str) -> str:
    """The key itself if `key_for` could have made it; ValueError for anything else."""
    # fullmatch, not match + "$": "$" would also accept a trailing newline.
    found = _KEY_RE.fullmatch(key) if isinstance(key, str) else None
    if found is None:
        raise ValueError(f"invalid photo storage key {key!r}")
    shard, sha = found["o_shard"] or found["d_shard"], found["o_sha"] or found["d_sha"]
    if shard != sha[:2]:
        raise ValueError(f"invalid photo storage key {key!r}: wrong shard")
    return key


def _check_put(key: str, data: bytes) -> None:
    validate_key(key)
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("photo data must be bytes")
    if key.startswith("originals/") and hashlib.sha256(data).hexdigest() != key.rsplit("/", 1)[1]:
        # Content addressing is the integrity guarantee for evidence: never store a mismatch.
        raise ValueError("original bytes do not match the SHA-256 in their key")


@runtime_checkable
class PhotoStorage(Protocol):
    """A content-addressed object store for photo files."""

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store atomically (no reader sees a partial object); repeating it changes nothing."""
        ...

    def get(self, key: str) -> bytes:
        """The stored bytes; KeyError if absent."""
        ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove; no error if absent."""
        ...


class LocalStorage:
    """Files under a root directory, written via temp file + fsync + rename."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()

    def __repr__(self) -> str:
        return f"LocalStorage({str(self.root)!r})"

    def _directory(self, key: str, *, create: bool) -> Path | None:
        """The key's folder, refusing symlinks or files on the way (they could lead outside)."""
        directory = self.root
        for part in key.split("/")[:-1]:
            directory = directory / part
            try:
                mode = os.lstat(directory).st_mode
            except FileNotFoundError:
                if not create:
                    return None
                with suppress(FileExistsError):  # another writer made it first
                    os.mkdir(directory, 0o750)
                mode = os.lstat(directory).st_mode
            if not stat.S_ISDIR(mode):
                raise ValueError(f"{directory} is not a plain directory inside the photo store")
        return directory

    def put(self, key: str, data: bytes, content_type: str) -> None:
        _check_put(key, data)
        self.root.mkdir(parents=True, exist_ok=True)
        directory = self._directory(key, create=True)
        assert directory is not None
        # Derivatives may be served by a front web server; originals stay owner-only.
        mode = 0o600 if key.startswith("originals/") else 0o644
        fd, temp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp, mode)
            os.replace(temp, directory / key.rsplit("/", 1)[1])
        except BaseException:
            with suppress(FileNotFoundError):
                os.unlink(temp)
            raise
        _fsync_directory(directory)  # make the rename itself durable

    def get(self, key: str) -> bytes:
        validate_key(key)
        directory = self._directory(key, create=False)
        if directory is None:
            raise KeyError(key)
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(directory / key.rsplit("/", 1)[1], flags)
        except FileNotFoundError:
            raise KeyError(key) from None
        except OSError as error:
            if _is_symlink(directory / key.rsplit("/", 1)[1]):
                raise ValueError(f"{key} is a symlink, not a stored file") from error
            raise
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise ValueError(f"{key} is not a regular file")
            return handle.read()

    def exists(self, key: str) -> bool:
        validate_key(key)
        directory = self._directory(key, create=False)
        if directory is None:
            return False
        try:
            mode = os.lstat(directory / key.rsplit("/", 1)[1]).st_mode
        except FileNotFoundError:
            return False
        if stat.S_ISLNK(mode):
            raise ValueError(f"{key} is a symlink, not a stored file")
        return stat.S_ISREG(mode)

    def delete(self, key: str) -> None:
        validate_key(key)
        directory = self._directory(key, create=False)
        if directory is None:
            return
        with suppress(FileNotFoundError):
            os.unlink(directory / key.rsplit("/", 1)[1])  # unlink never follows a symlink


def _is_symlink(path: Path) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:
        return False


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # platforms that cannot open directories
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_BUCKET_RE: Final = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_PREFIX_PART_RE: Final = re.compile(r"[A-Za-z0-9_.-]+")
_MISSING_CODES: Final = frozenset({"NoSuchKey", "404", "NotFound"})


class S3Storage:
    """Objects in an S3 (or S3-compatible) bucket; credentials come from the usual AWS env vars.

    A PUT is atomic in S3, so readers never see half an object. No ACL is ever sent: objects
    get the bucket's default (private) and are served only through the application.
    """

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        client: S3Client | None = None,
        addressing: str | None = None,
    ) -> None:
        if not _BUCKET_RE.fullmatch(bucket) or ".." in bucket:
            raise ValueError(f"invalid S3 bucket name {bucket!r}")
        prefix = prefix.strip("/")
        if prefix and any(
            part in (".", "..") or not _PREFIX_PART_RE.fullmatch(part) for part in prefix.split("/")
        ):
            raise ValueError(f"invalid S3 key prefix {prefix!r}")
        self.bucket, self.prefix = bucket, prefix
        self.addressing = addressing_style(endpoint_url, addressing)
        self._client = (
            client if client is not None else _make_client(endpoint_url, region, self.addressing)
        )

    def __repr__(self) -> str:
        return f"S3Storage({self.bucket!r}, prefix={self.prefix!r})"

    def _object_key(self, key: str) -> str:
        validate_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, key: str, data: bytes, content_type: str) -> None:
        _check_put(key, data)
        body = bytes(data)
        digest = hashlib.md5(body, usedforsecurity=False).digest()
        self._client.put_object(
            Bucket=self.bucket,
            Key=self._object_key(key),
            Body=body,
            ContentType=content_type,
            ContentMD5=base64.b64encode(digest).decode("ascii"),  # the server checks the bytes
        )

    def get(self, key: str) -> bytes:
        object_key = self._object_key(key)
        try:
            response = self._client.get_object(Bucket=self.bucket, Key=object_key)
        except Exception as error:
            if _is_missing(error):
                raise KeyError(key) from None
            raise
        with closing(response["Body"]) as body:
            return body.read()

    def exists(self, key: str) -> bool:
        object_key = self._object_key(key)
        try:
            self._client.head_object(Bucket=self.bucket, Key=object_key)
        except Exception as error:
            if _is_missing(error):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        object_key = self._object_key(key)
        try:
            self._client.delete_object(Bucket=self.bucket, Key=object_key)
        except Exception as error:
            if not _is_missing(error):  # some S3-compatible stores answer 404 here
                raise


ADDRESSING_STYLES: Final = ("path", "virtual")
# Providers that refuse path-style requests (new Tencent COS buckets) or document only the
# virtual-hosted style (Aliyun OSS, AWS): bucket.endpoint/key.
_VIRTUAL_HOSTED: Final = ("aliyuncs.com", "myqcloud.com", "amazonaws.com")


def addressing_style(endpoint_url: str | None, asked: str | None) -> str:
    """`path` (endpoint/bucket/key) or `virtual` (bucket.endpoint/key): as asked, else by provider.

    Self-hosted stores (MinIO, Ceph) are reached by an IP or a single host name, so the bucket
    cannot go in the host: path style. Known clouds get virtual-hosted style.
    """
    if asked is not None:
        if asked not in ADDRESSING_STYLES:
            raise ValueError(f"S3 addressing must be one of {', '.join(ADDRESSING_STYLES)}")
        return asked
    host = (urlsplit(endpoint_url).hostname or "") if endpoint_url else "s3.amazonaws.com"
    cloud = any(host == d or host.endswith(f".{d}") for d in _VIRTUAL_HOSTED)
    return "virtual" if cloud else "path"


def _make_client(endpoint_url: str | None, region: str | None, addressing: str) -> S3Client:
    # Imported here so that deployments on local disk never pay for importing boto3.
    import boto3
    from botocore.config import Config

    options: dict[str, Any] = {
        "retries": {"max_attempts": 5, "mode": "standard"},
        "s3": {"addressing_style": addressing},
    }
    if endpoint_url:
        if urlsplit(endpoint_url).scheme not in ("http", "https"):
            raise ValueError("S3 endpoint_url must be an http:// or https:// URL")
        # S3-compatible stores (MinIO, Ceph, cloud OSS) often reject the newer default CRC
        # checksum headers; Content-MD5 still guards the bytes.
        options["request_checksum_calculation"] = "when_required"
        options["response_checksum_validation"] = "when_required"
    session = boto3.session.Session()
    return session.client(
        "s3", endpoint_url=endpoint_url, region_name=region, config=Config(**options)
    )


def _is_missing(error: Exception) -> bool:
    response = getattr(error, "response", None)
    if not isinstance(response, dict):
        return False
    code = str(response.get("Error", {}).get("Code", ""))
    return code in _MISSING_CODES


_LOCAL_HELP: Final = "use local:/absolute/path or local:relative/path"
_S3_HELP: Final = (
    "use s3://bucket/prefix?endpoint_url=http://host:9000&region=us-east-1&addressing=path"
)


def storage_from_url(url: str) -> PhotoStorage:
    """A store from configuration: "local:/abs/path", "local:rel/path" or "s3://bucket/prefix?…".

    Error messages never repeat the URL: it might carry a secret someone pasted into it.
    """
    scheme, colon, rest = url.partition(":")
    if scheme == "local" and colon:
        if not rest or rest.startswith("//") or "\x00" in rest:
            raise ValueError(f"bad local photo storage URL: {_LOCAL_HELP}")
        return LocalStorage(Path(rest))
    if scheme == "s3" and colon:
        parts = urlsplit(url)
        if not rest.startswith("//") or not parts.hostname or "@" in parts.netloc:
            raise ValueError(
                f"bad S3 photo storage URL ({_S3_HELP}); credentials go in AWS_* variables"
            )
        query = parse_qs(parts.query, keep_blank_values=True)
        unknown = set(query) - {"endpoint_url", "region", "addressing"}
        if unknown or any(len(values) != 1 for values in query.values()):
            raise ValueError(f"bad S3 photo storage URL options {sorted(unknown)}: {_S3_HELP}")
        return S3Storage(
            parts.netloc,
            parts.path,
            endpoint_url=query.get("endpoint_url", [None])[0] or None,
            region=query.get("region", [None])[0] or None,
            addressing=query.get("addressing", [None])[0] or None,
        )
    shown = repr(scheme[:16]) if colon else "(none)"
    raise ValueError(f"unknown photo storage URL scheme {shown}: {_LOCAL_HELP}, or {_S3_HELP}")
