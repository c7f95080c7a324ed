"""Configuration from the environment; `create_app(overrides)` may replace any key (tests do)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from backend.database import engine_options

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("WUHAO_INSTANCE_DIR", PROJECT_ROOT / "instance"))


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"environment variable {name} must be an integer, got {raw!r}") from exc


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def database_url() -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'wuhao.sqlite'}"
    # Heroku-style URLs name the old driver; we use psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def load_config(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    overrides = dict(overrides or {})
    url = overrides.pop("DATABASE_URL", None) or database_url()
    config: dict[str, Any] = {
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url),
        "PHOTO_STORAGE": os.environ.get("PHOTO_STORAGE", f"local:{INSTANCE_DIR / 'photos'}"),
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 25 * 1024 * 1024),
        "PHOTO_MAX_BYTES": _int("PHOTO_MAX_BYTES", 20 * 1024 * 1024),
        "PHOTO_MAX_PIXELS": _int("PHOTO_MAX_PIXELS", 40_000_000),
        # Peak memory one photo's decoding may take, estimated from its header (→ 422).
        "PHOTO_MAX_DECODE_BYTES": _int("PHOTO_MAX_DECODE_BYTES", 300 * 1024 * 1024),
        # Resumable (tus) uploads: unfinished ones expire after this many hours; one PATCH body
        # is at most this big; one user may have this many unfinished at once.
        "PHOTO_UPLOAD_TTL_HOURS": _int("PHOTO_UPLOAD_TTL_HOURS", 24),
        "PHOTO_UPLOAD_MAX_CHUNK_BYTES": _int("PHOTO_UPLOAD_MAX_CHUNK_BYTES", 1024 * 1024),
        "PHOTO_UPLOAD_MAX_OPEN": _int("PHOTO_UPLOAD_MAX_OPEN", 16),
        "TOKEN_TTL_SECONDS": _int("TOKEN_TTL_SECONDS", 14 * 24 * 3600),
        "LOGIN_MAX_FAILURES": _int("LOGIN_MAX_FAILURES", 5),
        "LOGIN_LOCK_SECONDS": _int("LOGIN_LOCK_SECONDS", 60),
        # Working time for rectification deadlines (Asia/Shanghai wall clock, working days only).
        "WORKING_DAY_START": os.environ.get("WORKING_DAY_START", "08:30"),
        "WORKING_DAY_END": os.environ.get("WORKING_DAY_END", "17:30"),
        # Evidence checks (flags shown to supervisors; they never refuse a submission).
        "EVIDENCE_MIN_TOLERANCE_M": _int("EVIDENCE_MIN_TOLERANCE_M", 15),
        "EVIDENCE_MAX_ACCURACY_M": _int("EVIDENCE_MAX_ACCURACY_M", 50),
        "EVIDENCE_PHOTO_DISTANCE_M": _int("EVIDENCE_PHOTO_DISTANCE_M", 100),
        "EVIDENCE_PHOTO_TIME_MINUTES": _int("EVIDENCE_PHOTO_TIME_MINUTES", 60),
        "EVIDENCE_PHASH_DISTANCE": _int("EVIDENCE_PHASH_DISTANCE", 6),
        # Tickets: a new failure within this distance of an open ticket is a recurrence; one
        # within this many days of a closure is a repeat.
        "RECURRENCE_DISTANCE_M": _int("RECURRENCE_DISTANCE_M", 150),
        "REPEAT_WINDOW_DAYS": _int("REPEAT_WINDOW_DAYS", 30),
        # Inspection plans: how far ahead tasks are made, and how many days after a task's grace
        # an inspection captured in time may still reach the server and count (offline phones).
        "PLANS_HORIZON_DAYS": _int("PLANS_HORIZON_DAYS", 14),
        "PLANS_LATE_SYNC_DAYS": _int("PLANS_LATE_SYNC_DAYS", 7),
        # Inspector scorecard: a re-inspection is on time within this many working days of the
        # rectification; a complaint was missed when no inspector found its category at its
        # estate in this many days before it.
        "SCORECARD_VERIFY_WORKING_DAYS": _int("SCORECARD_VERIFY_WORKING_DAYS", 2),
        "SCORECARD_MISSED_WINDOW_DAYS": _int("SCORECARD_MISSED_WINDOW_DAYS", 30),
        # Owner survey: answers one phone may give per period (a helper for elderly neighbours
        # is fine, a flood is not), and per hour from one network (/24 or /48: a lobby's Wi-Fi).
        "SURVEY_MAX_PER_DEVICE": _int("SURVEY_MAX_PER_DEVICE", 3),
        "SURVEY_MAX_PER_NETWORK_HOUR": _int("SURVEY_MAX_PER_NETWORK_HOUR", 60),
        # Owner survey SMS step (backend/surveys/verification.py): off unless switched on; then a
        # 6-digit code sent to the resident's mobile must come back with the answer. Phone numbers
        # are kept only as an HMAC under SURVEY_SMS_HASH_KEY (required when on).
        "SURVEY_SMS_VERIFICATION": _flag("SURVEY_SMS_VERIFICATION"),
        "SURVEY_SMS_HASH_KEY": os.environ.get("SURVEY_SMS_HASH_KEY", ""),
        "SURVEY_SMS_CODE_MINUTES": _int("SURVEY_SMS_CODE_MINUTES", 5),
        "SURVEY_SMS_MAX_ATTEMPTS": _int("SURVEY_SMS_MAX_ATTEMPTS", 5),
        "SURVEY_SMS_RESEND_SECONDS": _int("SURVEY_SMS_RESEND_SECONDS", 60),
        "SURVEY_SMS_MAX_PER_PHONE_DAY": _int("SURVEY_SMS_MAX_PER_PHONE_DAY", 5),
        "SURVEY_SMS_MAX_PER_NETWORK_HOUR": _int("SURVEY_SMS_MAX_PER_NETWORK_HOUR", 30),
        "SURVEY_SMS_ANSWERS_PER_PHONE": _int("SURVEY_SMS_ANSWERS_PER_PHONE", 1),
        # SMS gateway (backend/messaging/sms.py: POST JSON with a bearer key); empty: no SMS.
        "SMS_GATEWAY_URL": os.environ.get("SMS_GATEWAY_URL", ""),
        "SMS_GATEWAY_KEY": os.environ.get("SMS_GATEWAY_KEY", ""),
        "SMS_GATEWAY_TIMEOUT_SECONDS": _int("SMS_GATEWAY_TIMEOUT_SECONDS", 10),
        # Notifications (backend/notifications): the app's public address for links in SMS (empty:
        # links are paths); deliveries sent per batch; attempts before a delivery is dead; the
        # first retry's delay (doubling after each failure, at most 6 h); `notify run`'s pause.
        "NOTIFY_PUBLIC_URL": os.environ.get("NOTIFY_PUBLIC_URL", ""),
        "NOTIFY_BATCH_SIZE": _int("NOTIFY_BATCH_SIZE", 100),
        "NOTIFY_MAX_ATTEMPTS": _int("NOTIFY_MAX_ATTEMPTS", 6),
        "NOTIFY_RETRY_BASE_SECONDS": _int("NOTIFY_RETRY_BASE_SECONDS", 60),
        "NOTIFY_POLL_SECONDS": _int("NOTIFY_POLL_SECONDS", 5),
        # Daily digests from this Beijing hour: every supervisor's, and a firm's that owes more
        # than NOTIFY_DIGEST_MIN_OPEN tickets (it then gets no per-ticket reminders).
        "NOTIFY_DIGEST_HOUR": os.environ.get("NOTIFY_DIGEST_HOUR", "08:00"),
        "NOTIFY_DIGEST_MIN_OPEN": _int("NOTIFY_DIGEST_MIN_OPEN", 20),
        # WeChat Official Account template messages (backend/notifications/wechat.py): the API's
        # address, the account's appid and secret, the template and which of its fields carry
        # our title/code/body/time; without appid and template no WeChat message is sent.
        "WECHAT_API_BASE": os.environ.get("WECHAT_API_BASE", "https://api.weixin.qq.com"),
        "WECHAT_APPID": os.environ.get("WECHAT_APPID", ""),
        "WECHAT_SECRET": os.environ.get("WECHAT_SECRET", ""),
        "WECHAT_TEMPLATE_ID": os.environ.get("WECHAT_TEMPLATE_ID", ""),
        "WECHAT_TEMPLATE_FIELDS": os.environ.get(
            "WECHAT_TEMPLATE_FIELDS",
            "title:thing1,code:character_string2,body:thing3,time:time4",
        ),
        "WECHAT_TIMEOUT_SECONDS": _int("WECHAT_TIMEOUT_SECONDS", 10),
        # Quiet hours (Beijing wall clock): SMS and push wait until the end, except escalations
        # and urgings; equal times: none. At most this many SMS per mobile number per Beijing day
        # (urgent ones always go; the in-app notice is always made).
        "NOTIFY_QUIET_START": os.environ.get("NOTIFY_QUIET_START", "22:00"),
        "NOTIFY_QUIET_END": os.environ.get("NOTIFY_QUIET_END", "07:00"),
        "NOTIFY_SMS_DAILY_CAP": _int("NOTIFY_SMS_DAILY_CAP", 20),
        # Web Push (RFC 8292 VAPID): the key pair (URL-safe base64: the public key as the PWA's
        # applicationServerKey, the private one raw or DER) and the contact the push services
        # see; without both keys no push is sent. Seconds one push request may take.
        "VAPID_PUBLIC_KEY": os.environ.get("VAPID_PUBLIC_KEY", ""),
        "VAPID_PRIVATE_KEY": os.environ.get("VAPID_PRIVATE_KEY", ""),
        "VAPID_SUBJECT": os.environ.get("VAPID_SUBJECT", ""),
        "NOTIFY_PUSH_TIMEOUT_SECONDS": _int("NOTIFY_PUSH_TIMEOUT_SECONDS", 10),
        # 物业管理全覆盖 (backend/fullcover): an old estate (老旧小区) was built before this year;
        # one unmanaged on the baseline day (Beijing date, ISO) is "formerly unmanaged".
        "FULLCOVER_OLD_BEFORE": _int("FULLCOVER_OLD_BEFORE", 2000),
        "FULLCOVER_BASELINE": os.environ.get("FULLCOVER_BASELINE", "2018-12-31"),
        # 回访: a resident may answer for this many days after the ticket's closure; 满意率 and
        # the mean rating of a unit are given only from this many answers in the period.
        "REVISIT_WINDOW_DAYS": _int("REVISIT_WINDOW_DAYS", 15),
        "REVISIT_MIN_ANSWERS": _int("REVISIT_MIN_ANSWERS", 5),
        # 集中整治 watch list (backend/watchlist): at most this many estates a period, each with
        # at least this many points under the scoring rule (README, *集中整治*).
        "WATCHLIST_SIZE": _int("WATCHLIST_SIZE", 20),
        "WATCHLIST_MIN_POINTS": _int("WATCHLIST_MIN_POINTS", 10),
        # 考评 (backend/kaoping): the parts' weights (owner ≥ 0.5, all six summing to 1; checked at
        # start-up), and how many days after a quarter's last day assessments are still taken.
        "KAOPING_WEIGHTS": os.environ.get(
            "KAOPING_WEIGHTS",
            "owner=0.5,committee=0.1,community=0.1,street=0.1,inspection=0.1,tickets=0.1",
        ),
        "KAOPING_GRACE_DAYS": _int("KAOPING_GRACE_DAYS", 15),
        # 考评 reminders (考评待填写) start this many days before a quarter's last day.
        "KAOPING_REMIND_DAYS": _int("KAOPING_REMIND_DAYS", 14),
        # Escalation to the district this many working hours after the street level.
        "ESCALATION_DISTRICT_AFTER_HOURS": _int("ESCALATION_DISTRICT_AFTER_HOURS", 9),
        # Reverse proxies in front of gunicorn whose X-Forwarded-For/-Proto/-Host/-Prefix are
        # trusted (0: none, the headers are ignored; 1: one nginx in front).
        "PROXY_FIX_HOPS": _int("PROXY_FIX_HOPS", 0),
        # Backups on PostGIS: the folder holding pg_dump/pg_restore (default: newest installed).
        "PG_BINDIR": os.environ.get("PG_BINDIR", ""),
        # Base map (read by the app at run time, checked at start-up by backend/basemap.py): a
        # raster XYZ template (http(s), {z}/{x}/{y}, optional {s} over BASEMAP_SUBDOMAINS) or an
        # MBTiles file served by us; its CRS (wgs84, cgcs2000 = wgs84, or gcj02) and credit.
        "BASEMAP_TILES": os.environ.get("BASEMAP_TILES", ""),
        "BASEMAP_SUBDOMAINS": os.environ.get("BASEMAP_SUBDOMAINS", "abc"),
        "BASEMAP_MBTILES": os.environ.get("BASEMAP_MBTILES", ""),
        "BASEMAP_CRS": os.environ.get("BASEMAP_CRS", "wgs84"),
        "BASEMAP_ATTRIBUTION": os.environ.get("BASEMAP_ATTRIBUTION", ""),
        # flask-smorest / OpenAPI; the docs UI is served from the swagger-ui-bundle wheel, no CDN.
        "API_TITLE": "Wuhao 五好小区巡查 API",
        "API_VERSION": "1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": "/api/docs/assets/",
        "API_SPEC_OPTIONS": {
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        },
        "JSON_SORT_KEYS": False,
    }
    config.update(overrides)
    return config
