"""`flask fullcover`: milestones added and removed by district code, and the city's figures."""

from __future__ import annotations


def test_milestones_and_report(app, dbsession):
    runner = app.test_cli_runner()
    added = runner.invoke(args=["fullcover", "add-milestone", "210211", "2025-06-30", "60",
                                "--label", "甘井子区 2025"])  # fmt: skip
    assert added.exit_code == 0, added.output
    milestone_id = added.output.split()[1].rstrip(":")
    again = runner.invoke(args=["fullcover", "add-milestone", "210211", "2025-06-30", "60"])
    assert again.exit_code != 0 and "already has a milestone" in again.output
    listed = runner.invoke(args=["fullcover", "milestones"])
    assert "甘井子区 2025" in listed.output and listed.output.count("210211") == 3
    # 甘井子区 on 2025-06-30: E024, E026 of E024, E026, E029 → 66.7% ≥ 60%: met.
    report = runner.invoke(args=["fullcover", "report", "--on", "2025-06-30"])
    assert report.exit_code == 0, report.output
    line = next(x for x in report.output.splitlines() if x.startswith("210211"))
    assert "2/3 66.7%" in line and "2025-06-30 ≥60% met" in line
    assert "7/8 87.5%" in report.output  # the city
    assert runner.invoke(args=["fullcover", "plan-targets", "210211"]).output.startswith("0 ")
    removed = runner.invoke(args=["fullcover", "remove-milestone", milestone_id])
    assert removed.exit_code == 0 and "removed" in removed.output
    assert (
        runner.invoke(args=["fullcover", "add-milestone", "999", "2025-01-01", "5"]).exit_code != 0
    )
