"""Rates as percentages: one decimal, 四舍五入 (half up), the same in exports, public pages and
the phone app."""

from backend.reports.rates import percent, percent_text


def test_ties_round_up_and_the_rest_to_the_nearest():
    assert percent(9 / 16) == 56.3  # 56.25: round() would give 56.2
    assert percent(1 / 3) == 33.3 and percent(2 / 3) == 66.7
    assert percent(0.12345) == 12.3 and percent(0.00049) == 0.0 and percent(0.0005) == 0.1
    assert percent(1.0) == 100.0 and percent(0.0) == 0.0 and percent(None) is None
    assert percent_text(9 / 16) == "56.3%" and percent_text(None) == "—"
