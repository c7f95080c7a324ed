"""The same storage tests against local disk and a real S3 API (moto's server on 127.0.0.1)."""

from __future__ import annotations

import hashlib
import os
import random
import threading
from pathlib import Path
from uuid import uuid4

import pytest

from backend.photos.storage import (
    KeyKind,
    LocalStorage,
    PhotoStorage,
    S3Storage,
    key_for,
    storage_from_url,
)

BUCKET = "wuhao-photos-test"


@pytest.fixture(scope="module")
def s3_endpoint(s3_server: dict[str, str]) -> str:
    """The session's moto S3 server (tests/conftest.py), with this module's bucket."""
    import boto3

    client = boto3.client("s3", endpoint_url=s3_server["endpoint"], region_name="us-east-1")
    if BUCKET not in {b["Name"] for b in client.list_buckets()["Buckets"]}:
        client.create_bucket(Bucket=BUCKET)
    return s3_server["endpoint"]


@pytest.fixture(scope="module")
def s3_client(s3_endpoint: str) -> object:
    """One client, made the way S3Storage makes its own (making one costs ~0.5 s)."""
    return S3Storage(BUCKET, endpoint_url=s3_endpoint, region="us-east-1")._client


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> PhotoStorage:
    if request.param == "local":
        return LocalStorage(tmp_path / "photos")
    # A fresh prefix per test keeps tests apart inside the one bucket.
    return S3Storage(BUCKET, f"t-{uuid4().hex}", client=request.getfixturevalue("s3_client"))


def blob(size: int = 4096, seed: int = 1) -> tuple[str, bytes]:
    data = random.Random(seed).randbytes(size)
    return hashlib.sha256(data).hexdigest(), data


# --- keys -----------------------------------------------------------------------------------


def test_key_layout() -> None:
    sha = "ab" + "0" * 62
    assert key_for("original", sha) == f"originals/ab/{sha}"
    assert key_for("display", sha) == f"display/ab/{sha}.jpg"
    assert key_for("thumb", sha) == f"thumbs/ab/{sha}.jpg"


@pytest.mark.parametrize(
    ("kind", "sha"),
    [
        ("original", "AB" + "0" * 62),
        ("original", "ab" * 31),
        ("original", "../" + "0" * 61),
        ("original", "0" * 64 + "\n"),
        ("preview", "0" * 64),
    ],
)
def test_key_for_refuses_bad_input(kind: KeyKind, sha: str) -> None:
    with pytest.raises(ValueError):
        key_for(kind, sha)


SHA = "ab" + "1" * 62
BAD_KEYS = [
    "",
    "../etc/passwd",
    f"originals/../../{SHA}",
    f"originals/ab/../../../etc/{SHA}",
    f"/originals/ab/{SHA}",
    f"/etc/{SHA}",
    f"originals\\ab\\{SHA}",
    f"originals/ab/{SHA}\x00.jpg",
    f"originals/ab/{SHA}\n",
    f"./originals/ab/{SHA}",
    f"originals//ab/{SHA}",
    f"originals/cd/{SHA}",  # wrong shard
    f"originals/ab/{SHA}.jpg",  # originals have no extension
    f"display/ab/{SHA}",  # derivatives do
    f"display/ab/{SHA}.png",
    f"ORIGINALS/ab/{SHA}",
    f"originals/ab/{SHA.upper()}",
    f"s3://bucket/originals/ab/{SHA}",
]


@pytest.mark.parametrize("key", BAD_KEYS)
def test_bad_keys_are_refused_by_every_operation(store: PhotoStorage, key: str) -> None:
    for operation in (
        lambda: store.put(key, b"x", "image/jpeg"),
        lambda: store.get(key),
        lambda: store.exists(key),
        lambda: store.delete(key),
    ):
        with pytest.raises(ValueError):
            operation()


# --- behaviour, the same for both backends ---------------------------------------------------


def test_is_a_photo_storage(store: PhotoStorage) -> None:
    assert isinstance(store, PhotoStorage)


@pytest.mark.parametrize("kind", ["original", "display", "thumb"])
def test_put_get_exists_delete(store: PhotoStorage, kind: KeyKind) -> None:
    sha, data = blob()
    key = key_for(kind, sha)
    assert store.exists(key) is False
    store.put(key, data, "image/jpeg")
    assert store.exists(key) is True
    assert store.get(key) == data
    store.delete(key)
    assert store.exists(key) is False
    with pytest.raises(KeyError):
        store.get(key)


def test_put_is_idempotent(store: PhotoStorage) -> None:
    sha, data = blob()
    key = key_for("original", sha)
    store.put(key, data, "image/png")
    store.put(key, data, "image/png")
    assert store.get(key) == data
    thumb = key_for("thumb", sha)
    store.put(thumb, b"one", "image/jpeg")
    store.put(thumb, b"two", "image/jpeg")  # a re-made derivative simply replaces the old
    assert store.get(thumb) == b"two"


def test_missing_keys(store: PhotoStorage) -> None:
    key = key_for("display", blob(seed=9)[0])
    with pytest.raises(KeyError):
        store.get(key)
    assert store.exists(key) is False
    store.delete(key)
    store.delete(key)


def test_original_bytes_must_match_their_key(store: PhotoStorage) -> None:
    sha, _ = blob(seed=1)
    key = key_for("original", sha)
    with pytest.raises(ValueError):
        store.put(key, b"not those bytes", "image/jpeg")
    assert store.exists(key) is False


def test_concurrent_puts_of_one_key(store: PhotoStorage) -> None:
    sha, data = blob(size=1 << 20, seed=3)
    key = key_for("original", sha)
    start, errors = threading.Barrier(8), []

    def write() -> None:
        try:
            start.wait()
            store.put(key, data, "image/jpeg")
        except Exception as error:  # collected: a thread's exception is otherwise lost
            errors.append(error)

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.get(key) == data
    if isinstance(store, LocalStorage):
        assert os.listdir(store.root / "originals" / sha[:2]) == [sha]  # no temp files left


def test_readers_never_see_a_partial_object(store: PhotoStorage) -> None:
    versions = [random.Random(seed).randbytes(512 * 1024) for seed in range(2)]
    key = key_for("display", "cd" + "2" * 62)
    store.put(key, versions[0], "image/jpeg")
    stop, seen, errors = threading.Event(), set(), []

    def read() -> None:
        while not stop.is_set():
            try:
                seen.add(hashlib.sha256(store.get(key)).hexdigest())
            except Exception as error:
                errors.append(error)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for reader in readers:
        reader.start()
    for round_ in range(10):
        store.put(key, versions[round_ % 2], "image/jpeg")
    stop.set()
    for reader in readers:
        reader.join()
    assert errors == []
    assert seen <= {hashlib.sha256(version).hexdigest() for version in versions}


# --- local disk -----------------------------------------------------------------------------


def test_local_files_and_permissions(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path / "photos")
    sha, data = blob()
    store.put(key_for("original", sha), data, "image/jpeg")
    store.put(key_for("display", sha), b"jpeg", "image/jpeg")
    original = tmp_path / "photos" / "originals" / sha[:2] / sha
    assert original.read_bytes() == data
    assert original.stat().st_mode & 0o777 == 0o600  # evidence: owner only
    assert (tmp_path / "photos" / "display" / sha[:2] / f"{sha}.jpg").read_bytes() == b"jpeg"


def test_local_failed_write_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = LocalStorage(tmp_path)
    sha, data = blob()

    def broken_replace(source: str, target: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        store.put(key_for("original", sha), data, "image/jpeg")
    assert os.listdir(tmp_path / "originals" / sha[:2]) == []


def test_local_symlinked_folders_cannot_lead_outside(tmp_path: Path) -> None:
    root, outside = tmp_path / "photos", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    sha, data = blob()
    (root / "originals").symlink_to(outside, target_is_directory=True)
    store = LocalStorage(root)
    key = key_for("original", sha)
    for operation in (
        lambda: store.put(key, data, "image/jpeg"),
        lambda: store.get(key),
        lambda: store.exists(key),
        lambda: store.delete(key),
    ):
        with pytest.raises(ValueError):
            operation()
    assert list(outside.iterdir()) == []  # not even a shard folder was made out there

    (root / "originals").unlink()
    (root / "originals").mkdir()
    (root / "originals" / sha[:2]).symlink_to(outside, target_is_directory=True)
    with pytest.raises(ValueError):
        store.put(key, data, "image/jpeg")
    assert list(outside.iterdir()) == []


def test_local_symlinked_file_is_not_followed(tmp_path: Path) -> None:
    root, secret = tmp_path / "photos", tmp_path / "secret.txt"
    secret.write_bytes(b"server secrets")
    store = LocalStorage(root)
    sha, _ = blob()
    key = key_for("display", sha)
    store.put(key, b"jpeg", "image/jpeg")
    planted = root / "display" / sha[:2] / f"{sha}.jpg"
    planted.unlink()
    planted.symlink_to(secret)
    with pytest.raises(ValueError):
        store.get(key)
    with pytest.raises(ValueError):
        store.exists(key)
    store.put(key, b"fresh", "image/jpeg")  # replaces the link itself, not its target
    assert store.get(key) == b"fresh" and secret.read_bytes() == b"server secrets"
    planted.unlink()
    planted.symlink_to(secret)
    store.delete(key)
    assert secret.read_bytes() == b"server secrets"


# --- S3 -------------------------------------------------------------------------------------


def test_s3_objects_are_private_and_typed(s3_endpoint: str) -> None:
    store = S3Storage(BUCKET, "private-check", endpoint_url=s3_endpoint, region="us-east-1")
    sha, data = blob()
    key = key_for("original", sha)
    store.put(key, data, "image/heic")
    client = store._client
    object_key = f"private-check/{key}"
    assert client.head_object(Bucket=BUCKET, Key=object_key)["ContentType"] == "image/heic"
    grants = client.get_object_acl(Bucket=BUCKET, Key=object_key)["Grants"]
    grantees = {grant["Grantee"].get("URI", grant["Grantee"].get("ID")) for grant in grants}
    assert not any("AllUsers" in g or "AuthenticatedUsers" in g for g in grantees if g)
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner only


# --- configuration --------------------------------------------------------------------------


def test_storage_from_local_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    absolute = storage_from_url(f"local:{tmp_path}/abs")
    assert isinstance(absolute, LocalStorage) and absolute.root == tmp_path / "abs"
    monkeypatch.chdir(tmp_path)
    relative = storage_from_url("local:instance/photos")
    assert isinstance(relative, LocalStorage)
    assert relative.root == tmp_path.resolve() / "instance" / "photos"


def test_storage_from_s3_url(s3_endpoint: str) -> None:
    store = storage_from_url(
        f"s3://{BUCKET}/wuhao/prod?endpoint_url={s3_endpoint}&region=us-east-1"
    )
    assert isinstance(store, S3Storage)
    assert (store.bucket, store.prefix) == (BUCKET, "wuhao/prod")
    assert store._client.meta.endpoint_url == s3_endpoint
    assert store._client.meta.region_name == "us-east-1"
    sha, data = blob()
    store.put(key_for("original", sha), data, "image/jpeg")
    assert store.get(key_for("original", sha)) == data
    bare = storage_from_url(f"s3://{BUCKET}")
    assert isinstance(bare, S3Storage) and bare.prefix == ""


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example/photos",
        "file:///srv/photos",
        "/srv/photos",
        "local:",
        "local://host/photos",
        "s3://",
        "s3:bucket",
        "s3://Bad_Bucket/x",
        "s3://bucket/../up",
        "s3://bucket/x?endpoint=http://127.0.0.1:9000",
        "s3://bucket/x?region=a&region=b",
        "s3://bucket/x?endpoint_url=ftp://127.0.0.1",
        "s3://AKIAEXAMPLE:hunter2secret@bucket/x",
    ],
)
def test_bad_storage_urls(url: str) -> None:
    with pytest.raises(ValueError) as raised:
        storage_from_url(url)
    assert "hunter2secret" not in str(raised.value)


@pytest.mark.parametrize(
    ("endpoint", "asked", "style"),
    [
        ("https://oss-cn-hangzhou.aliyuncs.com", None, "virtual"),
        ("https://cos.ap-beijing.myqcloud.com", None, "virtual"),
        (None, None, "virtual"),  # AWS itself
        ("http://10.0.0.5:9000", None, "path"),  # MinIO / Ceph on the city's own network
        ("http://minio.internal:9000", None, "path"),
        ("https://oss-cn-hangzhou.aliyuncs.com", "path", "path"),  # asked for explicitly
        ("http://10.0.0.5:9000", "virtual", "virtual"),
    ],
)
def test_addressing_style_follows_the_provider_unless_asked(endpoint, asked, style) -> None:
    from backend.photos.storage import addressing_style

    assert addressing_style(endpoint, asked) == style


def test_an_unknown_addressing_style_is_refused_at_configuration() -> None:
    with pytest.raises(ValueError, match="addressing must be one of path, virtual"):
        storage_from_url("s3://bucket/p?endpoint_url=http://h:9000&addressing=dns")


@pytest.mark.parametrize("style", ["path", "virtual"])
def test_both_addressing_styles_store_and_read_on_a_real_s3_api(
    style: str, s3_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Virtual-hosted requests name the bucket in the host (bucket.localhost resolves to the
    moto server here); path-style ones name it in the path."""
    import socket

    resolve = socket.getaddrinfo

    def localhost_subdomains(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        return resolve("127.0.0.1" if str(host).endswith(".localhost") else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", localhost_subdomains)
    port = s3_endpoint.rsplit(":", 1)[1]
    store = storage_from_url(
        f"s3://{BUCKET}/style-{style}?endpoint_url=http://localhost:{port}"
        f"&region=us-east-1&addressing={style}"
    )
    seen: list[str] = []
    store._client.meta.events.register(  # type: ignore[attr-defined]
        "before-send.s3", lambda request, **_: seen.append(request.url)
    )
    sha, data = blob(seed=7)
    key = key_for("original", sha)
    store.put(key, data, "image/jpeg")
    assert store.get(key) == data
    expected = (
        f"http://{BUCKET}.localhost:{port}/style-virtual/"
        if style == "virtual"
        else f"http://localhost:{port}/{BUCKET}/style-path/"
    )
    assert seen and all(url.startswith(expected) for url in seen), seen
