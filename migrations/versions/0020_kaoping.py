"""考评: committee and community accounts, assessment forms and assessments

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 20:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

# Committee members (业主委员会) have an estate and only they; community staff (社区居委会) have a
# community and only they. The role column is a plain VARCHAR(16): its new values need no change.
ROLE_SCOPE = (
    "(role = 'committee') = (estate_id IS NOT NULL) "
    "AND (role = 'community') = (community_id IS NOT NULL)"
)
KIND = sa.Enum(
    "committee", "community", "street", name="assessor_kind", native_enum=False, length=16
)


def _user_columns() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # A batch copy of `users` would fail on the foreign keys pointing at it; SQLite's ADD
        # COLUMN takes the reference and the check inline (checked against existing rows).
        op.execute("ALTER TABLE users ADD COLUMN estate_id INTEGER REFERENCES estates (id)")
        op.execute(
            "ALTER TABLE users ADD COLUMN community_id INTEGER REFERENCES communities (id) "
            f"CONSTRAINT ck_users_role_scope CHECK ({ROLE_SCOPE})"
        )
        return
    op.add_column("users", sa.Column("estate_id", sa.Integer(), nullable=True))
    op.add_column("users", sa.Column("community_id", sa.Integer(), nullable=True))
    op.create_foreign_key(
        op.f("fk_users_estate_id_estates"), "users", "estates", ["estate_id"], ["id"]
    )
    op.create_foreign_key(
        op.f("fk_users_community_id_communities"), "users", "communities", ["community_id"], ["id"]
    )
    op.create_check_constraint(op.f("ck_users_role_scope"), "users", ROLE_SCOPE)


def upgrade():
    _user_columns()
    op.create_table(
        "assessment_forms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", KIND, nullable=False),
        sa.Column("title_zh", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_forms")),
        sa.UniqueConstraint("kind", name=op.f("uq_assessment_forms_kind")),
    )
    op.create_table(
        "assessment_form_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("form_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "active",
                "retired",
                name="assessment_form_version_status",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("source", sa.String(length=300), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["form_id"],
            ["assessment_forms.id"],
            name=op.f("fk_assessment_form_versions_form_id_assessment_forms"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_form_versions")),
        sa.UniqueConstraint(
            "form_id", "content_hash", name="uq_assessment_form_versions_content_hash"
        ),
        sa.UniqueConstraint("form_id", "number", name="uq_assessment_form_versions_number"),
    )
    with op.batch_alter_table("assessment_form_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_form_versions_form_id"), ["form_id"], unique=False
        )
        batch_op.create_index(
            "uq_assessment_form_versions_one_active",
            ["form_id"],
            unique=True,
            postgresql_where=sa.text("status = 'active'"),
            sqlite_where=sa.text("status = 'active'"),
        )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("kind", KIND, nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("ratings", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_submitted_by_id", sa.Integer(), nullable=False),
        sa.Column("first_submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_assessments_estate_id_estates")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["assessment_form_versions.id"],
            name=op.f("fk_assessments_version_id_assessment_form_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["users.id"], name=op.f("fk_assessments_submitted_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["first_submitted_by_id"],
            ["users.id"],
            name=op.f("fk_assessments_first_submitted_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
        sa.UniqueConstraint("estate_id", "period_start", "kind", name="uq_assessments_one"),
    )
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.create_index("ix_assessments_period", ["period_start"], unique=False)


def downgrade():
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_index("ix_assessments_period")
    op.drop_table("assessments")
    with op.batch_alter_table("assessment_form_versions", schema=None) as batch_op:
        batch_op.drop_index("uq_assessment_form_versions_one_active")
        batch_op.drop_index(batch_op.f("ix_assessment_form_versions_form_id"))
    op.drop_table("assessment_form_versions")
    op.drop_table("assessment_forms")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f("ck_users_role_scope"), "users", type_="check")
        op.drop_constraint(op.f("fk_users_community_id_communities"), "users", type_="foreignkey")
        op.drop_constraint(op.f("fk_users_estate_id_estates"), "users", type_="foreignkey")
    # Plain DROP COLUMN; on SQLite the check goes with community_id, so that one first.
    op.drop_column("users", "community_id")
    op.drop_column("users", "estate_id")
