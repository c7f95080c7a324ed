"""The admin console's operations as `flask` commands for scripts: users, contracts and custody,
checklist versions. Each refuses bad input with the rule's own words and changes nothing."""

import sqlalchemy as sa

from backend.accounts.models import User
from backend.checklists.models import ChecklistVersion, VersionStatus
from backend.places.models import Estate, ServiceContract


def _run(app, *args: str, stdin: str | None = None):
    return app.test_cli_runner().invoke(args=list(args), input=stdin)


def test_users_edit_deactivate_and_activate(app, dbsession):
    made = _run(app, "users", "create", "cli-insp", "--role", "inspector", "--password-stdin",
                stdin="long-password\n")  # fmt: skip
    assert made.exit_code == 0, made.output
    user = dbsession.scalar(sa.select(User).where(User.username == "cli-insp"))

    assert _run(app, "users", "edit", "cli-insp", "--name", "网格员 王五").exit_code == 0
    assert _run(app, "users", "deactivate", "cli-insp").exit_code == 0
    dbsession.refresh(user)
    assert user.display_name == "网格员 王五" and not user.is_active
    assert _run(app, "users", "activate", "cli-insp").exit_code == 0
    dbsession.refresh(user)
    assert user.is_active

    refused = _run(app, "users", "edit", "cli-insp", "--role", "firm")
    assert refused.exit_code != 0 and "organisation_id" in refused.output
    dbsession.refresh(user)
    assert user.role.value == "inspector"
    assert "no user 'nobody'" in _run(app, "users", "deactivate", "nobody").output


def test_contracts_end_then_hand_over_with_history(app, dbsession):
    estate = dbsession.scalar(sa.select(Estate).where(Estate.code == "E004"))
    current = dbsession.scalar(
        sa.select(ServiceContract).where(
            ServiceContract.estate_id == estate.id, ServiceContract.end_date.is_(None)
        )
    )
    firm = current.firm.name

    overlapping = _run(app, "contracts", "create", "E004", firm, "--from", "2031-01-01")
    assert overlapping.exit_code != 0 and "overlaps" in overlapping.output
    count = sa.select(sa.func.count()).select_from(ServiceContract)
    before = dbsession.scalar(count)

    ended = _run(app, "contracts", "end", str(current.id), "2030-12-31")
    assert ended.exit_code == 0, ended.output
    handed = _run(app, "contracts", "create", "E004", firm, "--from", "2031-01-01",
                  "--reference", "HT-2031-7")  # fmt: skip
    assert handed.exit_code == 0, handed.output
    assert dbsession.scalar(count) == before + 1

    history = _run(app, "contracts", "history", "E004")
    assert history.exit_code == 0
    lines = history.output.splitlines()
    assert "2031-01-01 – …" in lines[0] and "future" in lines[0]
    assert any("– 2030-12-31" in line and "current" in line for line in lines)

    bad_mode = _run(app, "contracts", "custody", "E004", firm, "--mode", "street_custody",
                    "--from", "2040-01-01")  # fmt: skip
    assert bad_mode.exit_code != 0 and "custodian_id" in bad_mode.output


def test_checklist_versions_activate_and_retire(app, dbsession):
    active = dbsession.scalar(
        sa.select(ChecklistVersion).where(ChecklistVersion.status == VersionStatus.active)
    )
    code = active.checklist.code
    again = _run(app, "checklists", "activate", code, str(active.number))
    assert again.exit_code == 0 and f"version {active.number} active" in again.output
    missing = _run(app, "checklists", "activate", code, "99")
    assert missing.exit_code != 0 and "no version 99" in missing.output

    assert _run(app, "checklists", "retire", code, str(active.number)).exit_code == 0
    dbsession.refresh(active)
    assert active.status is VersionStatus.retired
    twice = _run(app, "checklists", "retire", code, str(active.number))
    assert twice.exit_code != 0 and "already retired" in twice.output
