"""物业管理全覆盖 milestones

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 16:40:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "coverage_milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=False),
        sa.Column("target_percent", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "target_percent >= 1 AND target_percent <= 100",
            name=op.f("ck_coverage_milestones_percent_in_range"),
        ),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name=op.f("fk_coverage_milestones_district_id_districts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coverage_milestones")),
        sa.UniqueConstraint(
            "district_id", "target_date", name=op.f("uq_coverage_milestones_district_id")
        ),
    )
    with op.batch_alter_table("coverage_milestones", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coverage_milestones_district_id"), ["district_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("coverage_milestones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coverage_milestones_district_id"))

    op.drop_table("coverage_milestones")
