"""集中整治 watch list notes

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 20:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "watch_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "classification",
                "measure",
                "follow_up",
                name="watch_note_kind",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "category",
            sa.Enum(
                "legacy",
                "poor_service",
                "self_governance",
                name="watch_category",
                native_enum=False,
                length=16,
            ),
            nullable=True,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("noted_on", sa.Date(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(kind = 'classification') = (category IS NOT NULL)",
            name=op.f("ck_watch_notes_category_iff_classified"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_watch_notes_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_watch_notes_estate_id_estates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watch_notes")),
    )
    with op.batch_alter_table("watch_notes", schema=None) as batch_op:
        batch_op.create_index("ix_watch_notes_period_estate", ["period", "estate_id"], unique=False)


def downgrade():
    with op.batch_alter_table("watch_notes", schema=None) as batch_op:
        batch_op.drop_index("ix_watch_notes_period_estate")

    op.drop_table("watch_notes")
