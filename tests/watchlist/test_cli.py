"""`flask watchlist list|rankings PERIOD`: the figures of test_watchlist.py and test_rankings.py
(their docstrings compute them by hand), as an operator reads them."""

from __future__ import annotations

from tests.watchlist.test_watchlist import q2  # noqa: F401


def test_list(app, q2):  # noqa: F811
    runner = app.test_cli_runner()
    done = runner.invoke(args=["watchlist", "list", "2026Q2"])
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    assert lines[0] == "2026年第2季度 watchlist-v1: 4 estate(s)"
    assert lines[1].split()[:4] == ["1", "32", "E001", "长春名苑"]
    assert "投诉 3 件(全市前10%)" in lines[1] and "[未分类; 0 note(s)]" in lines[1]
    bad = runner.invoke(args=["watchlist", "list", "2026Q9"])
    assert bad.exit_code != 0 and "2026Q4" in bad.output


def test_rankings(app, kaohe_q2):
    runner = app.test_cli_runner()
    done = runner.invoke(args=["watchlist", "rankings", "2026Q2"])
    assert done.exit_code == 0, done.output
    assert done.output.splitlines()[1].split()[:3] == ["1", "96.4", "西岗区"]
    streets = runner.invoke(args=["watchlist", "rankings", "2026Q2", "--level", "street"])
    assert "  1  84.0  中山区 人民路街道" in streets.output
