"""Which law each citizen's current decision is under (DOMAIN.md "Ældreloven"): the
newest version not superseded wins, in one citizen's evaluation and the municipality's
alike. It decides which rules are asked, and why a flag of the other law closes."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from selvvisitation.domain.types import LegalBasis
from selvvisitation.models import Decision

# Ids per query where each is found by its primary key or a unique index.
IDS_PER_QUERY = 500


# A later version of the same citizen's decision: made once, as making an alias was a
# tenth of one citizen's evaluation under the profiler (issue 17).
_NEWER_DECISION = aliased(Decision)


def ael_citizen_ids(citizen_ids: Any) -> sa.Select[Any]:
    """Those of ``citizen_ids`` whose current decision is under Ældreloven.

    The newest version not superseded is the current one, as in ``bases_of``."""
    return current_ael_decisions(Decision.citizen_id.in_(citizen_ids))


def current_ael_decisions(which: sa.ColumnElement[bool]) -> sa.Select[Any]:
    """The current decisions under Ældreloven, of the citizens ``which`` selects: a list,
    or, correlated, the one a visit is for (an anti-join for the SEL scan: PostgreSQL
    costs a NOT IN of the AEL citizens again on every visit it filters, and so read all
    the visits rather than the few its lines need by id, issue 17)."""
    newer = _NEWER_DECISION
    return select(Decision.citizen_id).where(
        Decision.superseded_at.is_(None),
        Decision.legal_basis == LegalBasis.AEL,
        which,
        ~sa.exists().where(
            newer.citizen_id == Decision.citizen_id,
            newer.version > Decision.version,
            newer.superseded_at.is_(None),
        ),
    )


def bases_of(session: Session, citizen_ids: set[int]) -> dict[int, LegalBasis]:
    """The legal basis of each citizen's current decision (SEL when she has none).

    Where a citizen has more than one version not superseded, the newest wins, as
    ``Citizen.current_decision`` has it: without the order the database's row order chose."""
    bases = dict.fromkeys(citizen_ids, LegalBasis.SEL)
    ids = sorted(citizen_ids)
    for start in range(0, len(ids), IDS_PER_QUERY):
        rows = session.execute(
            select(Decision.citizen_id, Decision.legal_basis)
            .where(
                Decision.superseded_at.is_(None),
                Decision.citizen_id.in_(ids[start : start + IDS_PER_QUERY]),
            )
            .order_by(Decision.citizen_id, Decision.version)
        )
        bases.update({citizen_id: basis for citizen_id, basis in rows})
    return bases
