import sqlalchemy as sa

from backend.accounts.models import Role, User


def test_users_create_with_scope(app, dbsession):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "street9",
            "--role",
            "supervisor",
            "--street",
            "210202002",
            "--password-stdin",
            "--name",
            "人民路督查",
        ],
        input="long-password\n",
    )
    assert result.exit_code == 0, result.output
    user = dbsession.scalar(sa.select(User).where(User.username == "street9"))
    assert user.role is Role.supervisor and user.street.code == "210202002"


def test_users_create_refuses_bad_scope_clearly(app, dbsession):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "x1",
            "--role",
            "inspector",
            "--grid",
            "G-NOPE",
            "--password-stdin",
        ],
        input="long-password\n",
    )
    assert result.exit_code != 0 and "no grid 'G-NOPE'" in result.output
    result = runner.invoke(
        args=["users", "create", "x2", "--role", "firm", "--password-stdin"],
        input="long-password\n",
    )
    assert result.exit_code != 0 and "organisation_id" in result.output
    assert dbsession.scalar(sa.select(User).where(User.username.in_(["x1", "x2"]))) is None


def test_demo_seed_is_idempotent_and_prints_accounts(app, dbsession):
    runner = app.test_cli_runner()
    before = dbsession.scalar(sa.select(sa.func.count()).select_from(User))
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0
    assert "already present" in result.output
    for username in (
        "admin",
        "supervisor1",
        "street1",
        "inspector1",
        "inspector2",
        "firm1",
        "firm2",
    ):
        assert username in result.output
    assert "demo12345" in result.output
    assert dbsession.scalar(sa.select(sa.func.count()).select_from(User)) == before
