"""/api/notifications: the caller's own notification centre and notice settings;
/api/push-subscriptions: the caller's browsers registered for Web Push."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from backend.accounts.auth import auth_required, current_user
from backend.notifications import push, services
from backend.notifications.models import PushSubscription
from backend.notifications.schemas import (
    MarkedSchema,
    MarkReadSchema,
    NotificationListArgs,
    NotificationSchema,
    SettingsInSchema,
    SettingsSchema,
    SubscriptionInSchema,
    SubscriptionSchema,
    UnreadSchema,
    UnsubscribeSchema,
)
from backend.pagination import paginate

blp = Blueprint(
    "notifications", __name__, url_prefix="/api/notifications", description="通知 (notifications)"
)
push_blp = Blueprint(
    "push_subscriptions",
    __name__,
    url_prefix="/api/push-subscriptions",
    description="Web Push subscriptions",
)


@blp.route("")
@auth_required()
@blp.arguments(NotificationListArgs, location="query")
@blp.response(200, NotificationSchema(many=True))
@blp.paginate(max_page_size=100)
def list_notifications(args: dict[str, Any], pagination_parameters: Any) -> Any:
    """Your notifications, newest first (`unread=true`: only unread ones)."""
    return paginate(services.list_query(current_user(), args.get("unread")), pagination_parameters)


@blp.route("/unread")
@auth_required()
@blp.response(200, UnreadSchema)
def unread() -> dict[str, int]:
    """How many of your notifications are unread (the badge on every home screen)."""
    return {"unread": services.unread_count(current_user())}


@blp.route("/read", methods=["POST"])
@auth_required()
@blp.arguments(MarkReadSchema)
@blp.response(200, MarkedSchema)
def mark_read(data: dict[str, Any]) -> dict[str, int]:
    """Mark these of your notifications read (ids that are not yours, or already read, change
    nothing)."""
    return services.mark_read(current_user(), data["ids"])


@blp.route("/read-all", methods=["POST"])
@auth_required()
@blp.response(200, MarkedSchema)
def mark_all_read() -> dict[str, int]:
    """Mark all your notifications read."""
    return services.mark_all_read(current_user())


@blp.route("/settings")
@auth_required()
@blp.response(200, SettingsSchema)
def get_settings() -> dict[str, Any]:
    """Your mobile number (masked), the channels that reach you, and the Web Push key."""
    return services.settings(current_user())


@blp.route("/settings", methods=["PUT"])
@auth_required()
@blp.arguments(SettingsInSchema)
@blp.response(200, SettingsSchema)
def put_settings(data: dict[str, Any]) -> dict[str, Any]:
    """Set your mobile number for SMS notices (null or empty: none). Not a mainland mobile
    number: 422 naming `phone`."""
    return services.set_phone(current_user(), data["phone"])


@push_blp.route("", methods=["POST"])
@auth_required()
@push_blp.arguments(SubscriptionInSchema)
@push_blp.response(201, SubscriptionSchema)
def subscribe(data: dict[str, Any]) -> PushSubscription:
    """Register this browser for Web Push (the JSON of its PushSubscription). The same endpoint
    again replaces its keys and owner (a shared phone signed in by another user)."""
    return push.subscribe(current_user(), data["endpoint"], data["keys"])


@push_blp.route("", methods=["DELETE"])
@auth_required()
@push_blp.arguments(UnsubscribeSchema)
@push_blp.response(204)
def unsubscribe(data: dict[str, Any]) -> None:
    """Stop Web Push to this browser (one of yours; unknown: no change)."""
    push.unsubscribe(current_user(), data["endpoint"])


blueprints = (blp, push_blp)
