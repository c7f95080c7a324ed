"""/api/notifications: the caller's own notification centre and notice settings;
/api/push-subscriptions: the caller's browsers registered for Web Push."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from backend.accounts.auth import STAFF_ROLES, auth_required, current_user
from backend.accounts.models import Role
from backend.notifications import admin, push, services
from backend.notifications.models import PushSubscription
from backend.notifications.schemas import (
    DeadLetterArgs,
    DeadLetterSchema,
    MarkedSchema,
    MarkReadSchema,
    NotificationListArgs,
    NotificationSchema,
    SettingsInSchema,
    SettingsSchema,
    SubscriptionInSchema,
    SubscriptionSchema,
    UnreachableSchema,
    UnreadSchema,
    UnsubscribeSchema,
)
from backend.notifications.urge_routes import blp as urge_blp
from backend.pagination import paginate

# Everyone who may be told something: the staff, and the 考评 assessors (考评待填写).
NOTIFIED = (*STAFF_ROLES, Role.committee, Role.community)

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
@auth_required(*NOTIFIED)
@blp.arguments(NotificationListArgs, location="query")
@blp.response(200, NotificationSchema(many=True))
@blp.paginate(max_page_size=100)
def list_notifications(args: dict[str, Any], pagination_parameters: Any) -> Any:
    """Your notifications, newest first (`unread=true`: only unread ones)."""
    return paginate(services.list_query(current_user(), args.get("unread")), pagination_parameters)


@blp.route("/unread")
@auth_required(*NOTIFIED)
@blp.response(200, UnreadSchema)
def unread() -> dict[str, int]:
    """How many of your notifications are unread (the badge on every home screen)."""
    return {"unread": services.unread_count(current_user())}


@blp.route("/read", methods=["POST"])
@auth_required(*NOTIFIED)
@blp.arguments(MarkReadSchema)
@blp.response(200, MarkedSchema)
def mark_read(data: dict[str, Any]) -> dict[str, int]:
    """Mark these of your notifications read (ids that are not yours, or already read, change
    nothing)."""
    return services.mark_read(current_user(), data["ids"])


@blp.route("/read-all", methods=["POST"])
@auth_required(*NOTIFIED)
@blp.response(200, MarkedSchema)
def mark_all_read() -> dict[str, int]:
    """Mark all your notifications read."""
    return services.mark_all_read(current_user())


@blp.route("/settings")
@auth_required(*NOTIFIED)
@blp.response(200, SettingsSchema)
def get_settings() -> dict[str, Any]:
    """Your mobile number (masked), the channels that reach you, and the Web Push key."""
    return services.settings(current_user())


@blp.route("/settings", methods=["PUT"])
@auth_required(*NOTIFIED)
@blp.arguments(SettingsInSchema)
@blp.response(200, SettingsSchema)
def put_settings(data: dict[str, Any]) -> dict[str, Any]:
    """Set your mobile number for SMS notices (null or empty: none) and switch SMS, Web Push
    or WeChat on or off (in-app notices always); fields left out stay as they are. Not a
    mainland mobile number: 422 naming `phone`."""
    return services.update_settings(current_user(), data)


@blp.route("/dead-letters")
@auth_required(Role.admin)
@blp.arguments(DeadLetterArgs, location="query")
@blp.response(200, DeadLetterSchema(many=True))
@blp.paginate(max_page_size=100)
def dead_letters(args: dict[str, Any], pagination_parameters: Any) -> Any:
    """Deliveries given up (attempts used up, or refused for good), newest first, with the
    reason, the recipient's name and the ticket's code (administrators; the admin console's
    通知 screen)."""
    page = paginate(admin.dead_letters_query(args.get("channel")), pagination_parameters)
    return admin.dead_letter_rows(list(page))


@blp.route("/unreachable")
@auth_required(Role.admin)
@blp.response(200, UnreachableSchema(many=True))
def unreachable() -> list[dict[str, Any]]:
    """Active users no notice reaches outside the app, and why (administrators)."""
    return admin.unreachable()


@push_blp.route("", methods=["POST"])
@auth_required(*NOTIFIED)
@push_blp.arguments(SubscriptionInSchema)
@push_blp.response(201, SubscriptionSchema)
def subscribe(data: dict[str, Any]) -> PushSubscription:
    """Register this browser for Web Push (the JSON of its PushSubscription). The same endpoint
    again replaces its keys and owner (a shared phone signed in by another user)."""
    return push.subscribe(current_user(), data["endpoint"], data["keys"])


@push_blp.route("", methods=["DELETE"])
@auth_required(*NOTIFIED)
@push_blp.arguments(UnsubscribeSchema)
@push_blp.response(204)
def unsubscribe(data: dict[str, Any]) -> None:
    """Stop Web Push to this browser (one of yours; unknown: no change)."""
    push.unsubscribe(current_user(), data["endpoint"])


blueprints = (blp, push_blp, urge_blp)
