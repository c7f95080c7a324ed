"""capture metadata per photo attachment, rectification evidence, resumable uploads

Revision ID: 0010_h14s_capture_uploads
Revises: 0009
Create Date: 2026-12-03 18:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_h14s_capture_uploads'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    # What the phone knew when the photo was taken or picked (contract §1), per attachment.
    op.add_column('inspection_result_photos', sa.Column('capture', sa.JSON(), nullable=True))
    op.add_column('ticket_photos', sa.Column('capture', sa.JSON(), nullable=True))
    # Evidence flags of an after-photo, frozen when the rectification is recorded.
    op.add_column('ticket_photos', sa.Column('evidence', sa.JSON(), nullable=True))
    op.add_column(
        'ticket_photos',
        sa.Column('flagged', sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_table('photo_uploads',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('mime', sa.String(length=64), nullable=False),
    sa.Column('length', sa.Integer(), nullable=False),
    sa.Column('received', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_photo_uploads_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_photo_uploads'))
    )
    with op.batch_alter_table('photo_uploads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_photo_uploads_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_photo_uploads_expires_at'), ['expires_at'], unique=False)
    op.create_table('photo_upload_chunks',
    sa.Column('upload_id', sa.String(length=32), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['upload_id'], ['photo_uploads.id'], name=op.f('fk_photo_upload_chunks_upload_id_photo_uploads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('upload_id', 'start', name=op.f('pk_photo_upload_chunks'))
    )


def downgrade():
    op.drop_table('photo_upload_chunks')
    with op.batch_alter_table('photo_uploads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_photo_uploads_expires_at'))
        batch_op.drop_index(batch_op.f('ix_photo_uploads_user_id'))
    op.drop_table('photo_uploads')
    with op.batch_alter_table('ticket_photos', schema=None) as batch_op:
        batch_op.drop_column('flagged')
        batch_op.drop_column('evidence')
        batch_op.drop_column('capture')
    with op.batch_alter_table('inspection_result_photos', schema=None) as batch_op:
        batch_op.drop_column('capture')
