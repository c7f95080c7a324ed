"""The HTTP SMS adapter against the fake gateway: what is sent, what is retryable."""

from __future__ import annotations

import pytest

from backend.messaging.sms import HttpSmsGateway, SmsError, mask_mobile, normalise_mobile
from tests.fakes.sms_gateway import FakeSmsGateway


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("12800138000", None),
        ("1380013800", None),
        ("010-12345678", None),
        ("", None),
    ],
)
def test_mobile_numbers_as_people_type_them(raw: str, expected: str | None) -> None:
    assert normalise_mobile(raw) == expected


def test_masked_number_hides_the_middle() -> None:
    assert mask_mobile("13800138000") == "138****8000"


def test_a_message_is_sent_once_per_key(fake_sms: FakeSmsGateway) -> None:
    gateway = HttpSmsGateway(url=fake_sms.url, key=fake_sms.key)
    first = gateway.send("13800138000", "验证码 123456", idempotency_key="k1")
    again = gateway.send("13800138000", "验证码 123456", idempotency_key="k1")
    assert first == again
    assert fake_sms.texts_to("13800138000") == ["验证码 123456"]


def test_a_wrong_key_is_not_worth_retrying(fake_sms: FakeSmsGateway) -> None:
    gateway = HttpSmsGateway(url=fake_sms.url, key="wrong")
    with pytest.raises(SmsError) as raised:
        gateway.send("13800138000", "x", idempotency_key="k")
    assert not raised.value.retryable
    assert fake_sms.messages == []


@pytest.mark.parametrize("status", [429, 500, 503])
def test_busy_or_broken_gateway_is_retryable(fake_sms: FakeSmsGateway, status: int) -> None:
    fake_sms.fail_next.append(status)
    gateway = HttpSmsGateway(url=fake_sms.url, key=fake_sms.key)
    with pytest.raises(SmsError) as raised:
        gateway.send("13800138000", "x", idempotency_key="k")
    assert raised.value.retryable
    assert gateway.send("13800138000", "x", idempotency_key="k") == "m1"


def test_unreachable_gateway_is_retryable() -> None:
    gateway = HttpSmsGateway(url="http://127.0.0.1:9/sms", key="k", timeout_seconds=2)
    with pytest.raises(SmsError) as raised:
        gateway.send("13800138000", "x", idempotency_key="k")
    assert raised.value.retryable
