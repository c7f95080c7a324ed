"""Schemas of the notification centre, the user's notice settings and push subscriptions."""

from __future__ import annotations

from marshmallow import fields, validate

from backend.schema import JsonBoolean, Schema
from backend.text import Text


class NotificationSchema(Schema):
    id = fields.Integer(required=True)
    topic = fields.String(
        required=True, metadata={"description": "ticket.dispatch, ticket.rework, reminder.due …"}
    )
    ticket_id = fields.Integer(required=True, allow_none=True)
    title = fields.String(required=True)
    body = fields.String(required=True)
    link = fields.String(required=True, metadata={"description": "the app path it opens"})
    created_at = fields.DateTime(required=True)
    read_at = fields.DateTime(required=True, allow_none=True)


class NotificationListArgs(Schema):
    unread = fields.Boolean(metadata={"description": "true: only unread ones"})


class UnreadSchema(Schema):
    unread = fields.Integer(required=True, metadata={"description": "your unread notifications"})


class MarkReadSchema(Schema):
    ids = fields.List(
        fields.Integer(validate=validate.Range(min=1)),
        required=True,
        validate=validate.Length(min=1, max=200),
    )


class MarkedSchema(Schema):
    marked = fields.Integer(required=True, metadata={"description": "how many were marked read"})
    unread = fields.Integer(required=True)


class SettingsSchema(Schema):
    phone = fields.String(
        required=True, allow_none=True, metadata={"description": "masked: 138****8000"}
    )
    channels = fields.List(
        fields.String(), required=True, metadata={"description": "channels that reach you now"}
    )
    push_public_key = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "VAPID public key (applicationServerKey); null: no Web Push"},
    )
    sms = fields.Boolean(required=True, metadata={"description": "your choice: SMS notices on"})
    push = fields.Boolean(required=True, metadata={"description": "your choice: Web Push on"})
    wechat = fields.Boolean(required=True, metadata={"description": "your choice: WeChat on"})
    wechat_bound = fields.Boolean(
        required=True, metadata={"description": "bound to the WeChat Official Account"}
    )


class SettingsInSchema(Schema):
    """Only the fields given change (an empty body changes nothing)."""

    sms = JsonBoolean(metadata={"description": "false: no SMS notices (WeChat still, if bound)"})
    push = JsonBoolean(metadata={"description": "false: no Web Push to any of your browsers"})
    wechat = JsonBoolean(metadata={"description": "false: no WeChat; SMS instead when it is on"})
    phone = Text(
        allow_none=True,
        single_line=True,
        validate=validate.Length(max=32),
        metadata={"description": "a mainland mobile number (+86 and spaces allowed); null: none"},
    )


BASE64URL = validate.Regexp(r"^[A-Za-z0-9_\-]+=*$")


class SubscriptionKeysSchema(Schema):
    """The browser's keys (RFC 8291), URL-safe base64."""

    p256dh = fields.String(required=True, validate=[validate.Length(min=80, max=200), BASE64URL])
    auth = fields.String(required=True, validate=[validate.Length(min=16, max=100), BASE64URL])


class SubscriptionInSchema(Schema):
    """What PushSubscription.toJSON() gives in the browser."""

    endpoint = fields.String(
        required=True,
        validate=[validate.Length(max=1000), validate.Regexp(r"^https?://[!-~]+$")],
        metadata={"description": "the push service's URL for this browser"},
    )
    keys = fields.Nested(SubscriptionKeysSchema, required=True)


class SubscriptionSchema(Schema):
    id = fields.Integer(required=True)
    endpoint = fields.String(required=True)
    created_at = fields.DateTime(required=True)


class UnsubscribeSchema(Schema):
    endpoint = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=1000), validate.Regexp(r"^https?://[!-~]+$")],
    )


class DeadLetterSchema(Schema):
    id = fields.Integer(required=True)
    key = fields.String(required=True, metadata={"description": "the idempotency key"})
    topic = fields.String(required=True)
    ticket_id = fields.Integer(required=True, allow_none=True)
    user_id = fields.Integer(required=True)
    recipient = fields.String(required=True, metadata={"description": "display name (username)"})
    ticket_code = fields.String(required=True, allow_none=True)
    channel = fields.String(required=True)
    attempts = fields.Integer(required=True)
    last_error = fields.String(required=True, metadata={"description": "why it was given up"})
    created_at = fields.DateTime(required=True)


class DeadLetterArgs(Schema):
    channel = fields.String(validate=validate.OneOf(["inapp", "sms", "push", "wechat"]))


class UnreachableSchema(Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    display_name = fields.String(required=True)
    role = fields.String(required=True)
    organisation_id = fields.Integer(required=True, allow_none=True)
    reasons = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": "sms_not_configured, no_phone, sms_off, push_not_configured, "
            "no_push_subscription, push_off, wechat_off (the user's own choices end in _off)"
        },
    )


class UrgeInSchema(Schema):
    note = Text(
        required=True,
        validate=validate.Length(min=1, max=500),
        metadata={"description": "催办意见: what the unit must do, by when"},
    )


class UrgeSchema(Schema):
    id = fields.Integer(required=True)
    ticket_id = fields.Integer(required=True)
    organisation_id = fields.Integer(required=True)
    note = fields.String(required=True)
    urged_by_id = fields.Integer(required=True)
    urged_at = fields.DateTime(required=True)
    acknowledged_by_id = fields.Integer(required=True, allow_none=True)
    acknowledged_at = fields.DateTime(required=True, allow_none=True)
