"""回访 through Open311: the filing channel reads its requests' answers with its key (nobody else
does), and posts answers it collected by phone under the page's rules."""

from __future__ import annotations

from backend.open311.keys import create_key
from tests.open311.conftest import xml_of
from tests.revisits.conftest import reply

BASE = "/open311/v2"
FIELDS = {"revisit_status", "revisit_url", "revisit_window_end", "revisit_resolved",
          "revisit_rating", "revisit_comment", "revisit_datetime", "revisit_reopened"}  # fmt: skip


def test_only_the_filing_channel_reads_the_answer(client, complaint, api_key, dbsession):
    c = complaint()
    (public,) = client.get(f"{BASE}/requests/{c['code']}.json").json
    assert not FIELDS & set(public)  # the public view: no single answer, ever
    (mine,) = client.get(f"{BASE}/requests/{c['code']}.json?api_key={api_key}").json
    assert mine["revisit_status"] == "ask" and mine["revisit_resolved"] is None
    assert mine["revisit_url"].endswith(f"/public/r/{c['short']}")
    assert reply(client, c["short"], "yes", "4", "挺好").status_code == 200
    (mine,) = client.get(f"{BASE}/requests/{c['code']}.json?api_key={api_key}").json
    assert (mine["revisit_status"], mine["revisit_resolved"], mine["revisit_rating"]) == (
        "answered", True, 4
    )  # fmt: skip
    assert mine["revisit_comment"] == "挺好" and mine["revisit_reopened"] is False
    listed = client.get(f"{BASE}/requests.json?status=closed&api_key={api_key}").json
    assert next(r for r in listed if r["service_request_id"] == c["code"])["revisit_rating"] == 4
    xml = xml_of(client.get(f"{BASE}/requests/{c['code']}.xml?api_key={api_key}"))
    assert "revisit_rating" in str(xml)
    _row, other = create_key("民心网")
    (theirs,) = client.get(f"{BASE}/requests/{c['code']}.json?api_key={other}").json
    assert not FIELDS & set(theirs)
    wrong = client.get(f"{BASE}/requests/{c['code']}.json?api_key=nope")
    assert wrong.status_code == 403 and wrong.json[0]["code"] == 403
    assert "挺好" not in client.get(f"{BASE}/requests.json").get_data(as_text=True)


def test_the_hotline_posts_an_answer_taken_by_phone(client, complaint, api_key, answers):
    c = complaint()
    url = f"{BASE}/requests/{c['code']}/revisit.json"
    form = {"api_key": api_key, "resolved": "false", "rating": "2", "comment": "电话回访:仍有异味"}
    first = client.post(url, data=form)
    assert first.status_code == 201, first.json
    assert first.json[0]["revisit_reopened"] is True and first.json[0]["revisit_status"] == "open"
    (row,) = answers(c["id"])
    assert (row.channel.value, row.channel_name, row.reopened) == ("open311", "12345热线", True)
    assert client.post(url, data=form).status_code == 409  # reopened: nothing to answer now
    page = client.get(f"/public/r/{c['short']}").get_data(as_text=True)
    assert "正在处理中" in page


def test_hotline_replays_and_refusals(client, complaint, api_key, answers):
    c = complaint()
    url = f"{BASE}/requests/{c['code']}/revisit.json"
    form = {"api_key": api_key, "resolved": "true", "rating": "5"}
    assert client.post(url, data=form).status_code == 201
    assert client.post(url, data=form).status_code == 200  # the same answer again: a replay
    changed = client.post(url, data={**form, "rating": "3"})
    assert changed.status_code == 409 and "answered already" in changed.json[0]["description"]
    assert len(answers(c["id"])) == 1
    for bad in ({"resolved": "maybe"}, {"rating": "6"}, {"rating": "4.0"}, {"extra": "x"}):
        refused = client.post(url, data={**form, **bad})
        assert refused.status_code == 400, bad
        assert refused.json[0]["code"] == 400
    assert client.post(url, data={**form, "api_key": "nope"}).status_code == 403
    _row, other = create_key("易安居")
    assert client.post(url, data={**form, "api_key": other}).status_code == 404
    xml = client.post(f"{BASE}/requests/{c['code']}/revisit.xml", data={**form, "rating": "x"})
    assert xml.status_code == 400 and xml.headers["Content-Type"].startswith("text/xml")
    assert client.get(url).status_code == 405
    assert len(answers(c["id"])) == 1
