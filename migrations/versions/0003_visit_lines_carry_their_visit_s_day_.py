"""Visit lines carry their visit's day, indexed, for the flag windows

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 19:20:34.654511

The flag rules read the lines of a window of days for a whole municipality (90 days,
13 weeks). Reached only through visit.day, PostgreSQL read every line ever recorded to
join it with the window's visits, so the evaluation grew with the history (issue 17). Each
line now carries its visit's day (models.visits keeps the two equal), with an index.

The column is added empty, filled from the visits, then made NOT NULL. On PostgreSQL the
fill is one UPDATE ... FROM visit: a few minutes for tens of millions of lines, holding a
lock on visit_service meanwhile (plan it with the upgrade's downtime).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('visit_service', schema=None) as batch_op:
        batch_op.add_column(sa.Column('day', sa.Date(), nullable=True))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            'UPDATE visit_service SET day = visit.day FROM visit '
            'WHERE visit.id = visit_service.visit_id'
        )
    else:
        op.execute(
            'UPDATE visit_service SET day = '
            '(SELECT visit.day FROM visit WHERE visit.id = visit_service.visit_id)'
        )
    with op.batch_alter_table('visit_service', schema=None) as batch_op:
        batch_op.alter_column('day', existing_type=sa.Date(), nullable=False)
        batch_op.create_index(batch_op.f('ix_visit_service_day'), ['day'], unique=False)


def downgrade():
    with op.batch_alter_table('visit_service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_service_day'))
        batch_op.drop_column('day')
