"""The optional SMS step: with SURVEY_SMS_VERIFICATION on, an answer counts only with the code
the fake gateway delivered to the resident's mobile; wrong, expired and replayed codes are
refused, floods of codes are held back, a gateway that is down says so and stores nothing, and
no phone number is kept anywhere."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from backend.clock import utcnow
from backend.surveys.models import SurveyAnswer, SurveyPhoneCode
from tests.surveys.conftest import all_rated, stored

MOBILE = "13800138000"


@pytest.fixture
def sms_on(app, monkeypatch, fake_sms):
    for key, value in {
        "SURVEY_SMS_VERIFICATION": True,
        "SURVEY_SMS_HASH_KEY": "test-hash-key",
        "SMS_GATEWAY_URL": fake_sms.url,
        "SMS_GATEWAY_KEY": fake_sms.key,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    return fake_sms


def _open(resident, token: str) -> str:
    html = resident.get(f"/survey/{token}").get_data(as_text=True)
    return html.split('name="period" value="', 1)[1].split('"', 1)[0]


def _ask_code(resident, token: str, period: str, mobile: str = "138 0013 8000"):
    return resident.post(
        f"/survey/{token}",
        data={"period": period, "phone": mobile, "action": "send_code", "building": "3"},
    )


def _last_code(gateway, mobile: str = MOBILE) -> str:
    return re.search(r"\d{6}", gateway.texts_to(mobile)[-1]).group(0)


def _send(resident, token, period, code, room="501", mobile=MOBILE, **extra):
    form = {"period": period, "building": "3", "unit": "2", "room": room, "phone": mobile}
    return resident.post(
        f"/survey/{token}", data={**form, "code": code, **all_rated(4), **extra, "action": "answer"}
    )


def test_off_by_default_no_phone_is_asked(phone, link_of):
    html = phone().get(f"/survey/{link_of('E001')}").get_data(as_text=True)
    assert 'name="phone"' not in html and "获取验证码" not in html


def test_the_right_code_is_accepted_and_no_number_is_kept(sms_on, phone, link_of, dbsession):
    token = link_of("E001")
    resident = phone()
    period = _open(resident, token)
    assert 'name="phone"' in resident.get(f"/survey/{token}").get_data(as_text=True)
    sent = _ask_code(resident, token, period)
    html = sent.get_data(as_text=True)
    assert sent.status_code == 200 and "验证码已发送至 138****8000" in html
    assert 'value="3"' in html  # what was typed is kept
    code = _last_code(sms_on)
    assert "5 分钟内有效" in sms_on.texts_to(MOBILE)[0]
    answered = _send(resident, token, period, code)
    assert answered.status_code == 303, answered.get_data(as_text=True)
    row = dbsession.scalar(sa.select(SurveyAnswer))
    assert row.phone_hash and len(row.phone_hash) == 64
    # The number and the code appear in no stored column.
    for table in ("survey_answers", "survey_phone_codes"):
        for values in dbsession.execute(sa.text(f"SELECT * FROM {table}")):
            text = " ".join(str(v) for v in values)
            assert MOBILE not in text and "138****8000" not in text


def test_wrong_codes_are_counted_then_the_code_dies(sms_on, app, phone, link_of, dbsession):
    token = link_of("E001")
    resident = phone()
    period = _open(resident, token)
    _ask_code(resident, token, period)
    code = _last_code(sms_on)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(app.config["SURVEY_SMS_MAX_ATTEMPTS"]):
        refused = _send(resident, token, period, wrong)
        assert refused.status_code == 422 and "验证码不正确" in refused.get_data(as_text=True)
    late = _send(resident, token, period, code)
    assert late.status_code == 422 and "错误次数过多" in late.get_data(as_text=True)
    assert stored(dbsession) == 0
    malformed = _send(resident, token, period, "12ab")
    assert malformed.status_code == 422 and "6 位验证码" in malformed.get_data(as_text=True)


def test_expired_and_replayed_codes_are_refused(
    sms_on, phone, link_of, dbsession, frozen_clock, app
):
    token = link_of("E001")
    resident = phone()
    period = _open(resident, token)
    now = utcnow()
    frozen_clock(now)
    _ask_code(resident, token, period)
    frozen_clock(now + timedelta(minutes=app.config["SURVEY_SMS_CODE_MINUTES"], seconds=1))
    expired = _send(resident, token, period, _last_code(sms_on))
    assert expired.status_code == 422 and "验证码已过期" in expired.get_data(as_text=True)
    frozen_clock(now + timedelta(minutes=10))
    _ask_code(resident, token, period, "13900139000")
    code = _last_code(sms_on, "13900139000")
    assert _send(resident, token, period, code, mobile="13900139000").status_code == 303
    replay = _send(resident, token, period, code, room="502", mobile="13900139000")
    assert replay.status_code == 422 and "验证码已使用过" in replay.get_data(as_text=True)
    # A code sent to another number does not open this one.
    _ask_code(resident, token, period, "13700137000")
    borrowed = _send(resident, token, period, _last_code(sms_on, "13700137000"), room="503")
    assert borrowed.status_code == 422 and stored(dbsession) == 1


def test_one_answer_per_mobile_per_period(sms_on, phone, link_of, dbsession):
    token = link_of("E001")
    resident = phone()
    period = _open(resident, token)
    _ask_code(resident, token, period)
    assert _send(resident, token, period, _last_code(sms_on)).status_code == 303
    other = phone("198.51.100.4")
    period = _open(other, token)
    again = _ask_code(other, token, period)
    assert again.status_code == 409 and "这个手机号本期已经评价过了" in again.get_data(as_text=True)
    assert len(sms_on.texts_to(MOBILE)) == 1


def test_floods_of_codes_are_limited_from_stored_rows(
    sms_on, app, phone, link_of, dbsession, frozen_clock, monkeypatch
):
    token = link_of("E001")
    resident = phone()
    period = _open(resident, token)
    now = utcnow()
    frozen_clock(now)
    assert _ask_code(resident, token, period).status_code == 200
    soon = _ask_code(resident, token, period)
    assert soon.status_code == 429 and "秒后再重新获取" in soon.get_data(as_text=True)
    assert int(soon.headers["Retry-After"]) == app.config["SURVEY_SMS_RESEND_SECONDS"]
    for minute in range(1, app.config["SURVEY_SMS_MAX_PER_PHONE_DAY"]):
        frozen_clock(now + timedelta(minutes=2 * minute))
        assert _ask_code(resident, token, period).status_code == 200
    frozen_clock(now + timedelta(hours=1))
    day = _ask_code(resident, token, period)
    assert day.status_code == 429 and "今天获取验证码次数过多" in day.get_data(as_text=True)
    assert len(sms_on.texts_to(MOBILE)) == app.config["SURVEY_SMS_MAX_PER_PHONE_DAY"]
    # Many numbers from one network.
    monkeypatch.setitem(app.config, "SURVEY_SMS_MAX_PER_NETWORK_HOUR", 2)
    lobby = phone("192.0.2.10")
    period = _open(lobby, token)
    assert _ask_code(lobby, token, period, "13600000001").status_code == 200
    assert _ask_code(lobby, token, period, "13600000002").status_code == 200
    neighbour = phone("192.0.2.99")
    _open(neighbour, token)
    busy = _ask_code(neighbour, token, period, "13600000003")
    assert busy.status_code == 429 and "此网络获取验证码过于频繁" in busy.get_data(as_text=True)


def test_codes_older_than_every_limit_are_deleted_when_a_code_is_sent(
    sms_on, phone, link_of, dbsession, frozen_clock
):
    token = link_of("E001")
    resident = phone()
    period = _open(resident, token)
    start = utcnow()
    frozen_clock(start)
    assert _ask_code(resident, token, period).status_code == 200
    frozen_clock(start + timedelta(days=1, hours=4))
    assert _ask_code(resident, token, period, "13900139000").status_code == 200
    assert dbsession.scalar(sa.select(sa.func.count()).select_from(SurveyPhoneCode)) == 2
    # Two days on, the first code counts in no limit and goes; yesterday's stays (it still
    # counts in its number's day).
    frozen_clock(start + timedelta(days=2, hours=1))
    assert _ask_code(resident, token, period, "13700137000").status_code == 200
    kept = dbsession.scalars(sa.select(SurveyPhoneCode.created_at).order_by("created_at")).all()
    assert kept == [start + timedelta(days=1, hours=4), start + timedelta(days=2, hours=1)]


def test_gateway_down_says_so_and_stores_nothing(sms_on, phone, link_of, dbsession):
    token = link_of("E001")
    resident = phone()
    period = _open(resident, token)
    sms_on.fail_next.append(503)
    down = _ask_code(resident, token, period)
    html = down.get_data(as_text=True)
    assert down.status_code == 503 and "短信发送失败,请稍后再试" in html
    assert dbsession.scalar(sa.select(sa.func.count()).select_from(SurveyPhoneCode)) == 0
    # Back up: no cooldown from the failed try.
    assert _ask_code(resident, token, period).status_code == 200


def test_switched_on_without_a_gateway_refuses_plainly(
    sms_on, app, phone, link_of, monkeypatch, dbsession
):
    monkeypatch.setitem(app.config, "SMS_GATEWAY_URL", "")
    token = link_of("E001")
    resident = phone()
    period = _open(resident, token)
    refused = _ask_code(resident, token, period)
    assert refused.status_code == 503 and "短信验证暂不可用" in refused.get_data(as_text=True)
    answer = _send(resident, token, period, "123456")
    assert answer.status_code == 503 and stored(dbsession) == 0


def test_bad_numbers_are_named(sms_on, phone, link_of, dbsession):
    token = link_of("E001")
    resident = phone()
    period = _open(resident, token)
    bad = _ask_code(resident, token, period, "1234<b>")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "请填写 11 位手机号码" in html and "1234&lt;b&gt;" in html
    assert sms_on.requests == 0


def test_a_half_filled_form_names_the_phone_and_code_too(sms_on, phone, link_of, dbsession):
    token = link_of("E001")
    resident = phone()
    period = _open(resident, token)
    sent = resident.post(
        f"/survey/{token}", data={"period": period, "building": "3", "room": "501"}
    )
    html = sent.get_data(as_text=True)
    assert sent.status_code == 422 and "请选择一项" in html
    assert "请填写 11 位手机号码" in html and "6 位验证码" in html
    assert stored(dbsession) == 0 and sms_on.requests == 0
