"""Administrators see dead letters with their reason, and who no notice reaches outside the app."""

from __future__ import annotations

from backend.notifications import notifier


def test_dead_letters_show_the_reason_to_admins_only(
    client, login, dbsession, notifier_at_head, phones, sms_on, inspect, tickets_of
):
    sms_on.key = "wrong"
    ticket_id = tickets_of(inspect("E001", failures=("GAR-06",))["id"])[0]["id"]
    notifier.run_once()
    answer = client.get("/api/notifications/dead-letters?channel=sms", headers=login("admin"))
    assert answer.status_code == 200
    [dead] = [d for d in answer.json if d["ticket_id"] == ticket_id]
    assert dead["channel"] == "sms" and "401" in dead["last_error"] and dead["attempts"] == 1
    assert client.get("/api/notifications/dead-letters?channel=fax",
                      headers=login("admin")).status_code == 422  # fmt: skip
    refused = client.get("/api/notifications/dead-letters", headers=login("street1"))
    assert refused.status_code == 403


def test_users_only_the_app_reaches_are_listed_with_why(client, login, dbsession, phones, sms_on):
    rows = {r["username"]: r for r in
            client.get("/api/notifications/unreachable", headers=login("admin")).json}  # fmt: skip
    assert "firm1" not in rows  # a phone and SMS configured
    assert rows["inspector1"]["reasons"] == ["no_phone", "push_not_configured"]
    assert client.get("/api/notifications/unreachable", headers=login("firm1")).status_code == 403
