"""owner survey: SMS verification codes, the verified phone's hash, estates' buildings

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 20:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "survey_phone_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("phone_hash", sa.String(length=64), nullable=False),
        sa.Column("network", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=32), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_survey_phone_codes_estate_id_estates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_phone_codes")),
        sa.UniqueConstraint("nonce", name=op.f("uq_survey_phone_codes_nonce")),
    )
    with op.batch_alter_table("survey_phone_codes", schema=None) as batch_op:
        batch_op.create_index("ix_survey_phone_codes_phone", ["phone_hash", "created_at"])
        batch_op.create_index("ix_survey_phone_codes_network", ["network", "created_at"])

    with op.batch_alter_table("survey_answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone_hash", sa.String(length=64), nullable=True))

    op.create_table(
        "estate_buildings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("building", sa.String(length=8), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("floors", sa.Integer(), nullable=False),
        sa.Column("rooms_per_floor", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "units >= 0 AND units <= 99", name=op.f("ck_estate_buildings_units_in_range")
        ),
        sa.CheckConstraint(
            "floors >= 1 AND floors <= 99", name=op.f("ck_estate_buildings_floors_in_range")
        ),
        sa.CheckConstraint(
            "rooms_per_floor >= 1 AND rooms_per_floor <= 99",
            name=op.f("ck_estate_buildings_rooms_in_range"),
        ),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_estate_buildings_estate_id_estates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_estate_buildings")),
        sa.UniqueConstraint("estate_id", "building", name="uq_estate_buildings_building"),
    )
    with op.batch_alter_table("estate_buildings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_estate_buildings_estate_id"), ["estate_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("estate_buildings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_estate_buildings_estate_id"))
    op.drop_table("estate_buildings")

    with op.batch_alter_table("survey_answers", schema=None) as batch_op:
        batch_op.drop_column("phone_hash")

    with op.batch_alter_table("survey_phone_codes", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_phone_codes_network")
        batch_op.drop_index("ix_survey_phone_codes_phone")
    op.drop_table("survey_phone_codes")
