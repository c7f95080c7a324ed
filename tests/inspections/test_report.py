"""The printable inspection report: self-contained HTML with photos, failures and tickets."""

import base64
import io
import re

from PIL import Image

from tests.tickets import conftest as ticket_fixtures

# The ticket tests' fixtures: inspections submitted through the API, and their tickets.
inspect, tickets_of, upload = (
    ticket_fixtures.inspect,
    ticket_fixtures.tickets_of,
    ticket_fixtures.upload,
)

DATA_URI = re.compile(r'src="data:image/jpeg;base64,([A-Za-z0-9+/=]+)"')


def test_report_is_print_ready_with_photos_failures_and_tickets(client, login, inspect, tickets_of):
    made = inspect("E001", failures=("ENV-02", "GAR-06"))
    response = client.get(f"/api/inspections/{made['id']}/report", headers=login("supervisor1"))
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "charset=utf-8" in response.content_type
    assert "Content-Security-Policy" in response.headers
    html = response.get_data(as_text=True)
    assert "@page" in html and "A4" in html and "<script" not in html
    assert "不合格项(2)" in html and "ENV-02 不合格" in html and "GAR-06 不合格" in html
    assert "巡查员" in html  # the inspector's role (an internal document)
    for ticket in tickets_of(made["id"]):
        assert ticket["code"] in html
    # Every failure's photo is inside the page, as a real JPEG.
    photos = DATA_URI.findall(html)
    assert len(photos) == 2
    for encoded in photos:
        data = base64.b64decode(encoded)
        assert data[:2] == b"\xff\xd8"
        assert Image.open(io.BytesIO(data)).format == "JPEG"
    # Every item's result is listed, passes included.
    assert html.count("<td>合格</td>") == len(made["results"]) - 2


def test_report_follows_the_inspection_read_rules(client, login, inspect):
    made = inspect("E001", failures=("ENV-02",))
    path = f"/api/inspections/{made['id']}/report"
    assert client.get(path).status_code == 401
    assert client.get(path, headers=login("firm1")).status_code == 200  # E001 is firm1's
    assert client.get(path, headers=login("firm2")).status_code == 404
    assert client.get(path, headers=login("inspector1")).status_code == 200
    missing = "/api/inspections/6f1c1a53-2a8c-4f5e-9f55-3c1b2d4e5f60/report"
    assert client.get(missing, headers=login("admin")).status_code == 404
