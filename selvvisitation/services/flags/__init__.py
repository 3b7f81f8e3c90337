"""Revisitation flags against the database: find, keep, close; never delete.

The rules are the pure ones in ``selvvisitation.domain.flags`` (rule 7, 004 §1.3.3 and
002 §8: repeated deselection; 003 "Løbende justering/revisitation": time deviation).
Here the database does the counting: SQL groups a whole municipality's visits and
hands back only the (citizen, service) pairs that may break a rule; the pure rules
then decide on those few. Evaluation is idempotent (an open flag is kept and its
evidence updated), a flag that no longer holds is closed with its reason, and a
flag a visitator dismissed only comes back on evidence dated after the dismissal.
Each new flag is routed to a visitator through a case; the system never decides.

Both laws in one run (DOMAIN.md "Ældreloven"): a citizen whose current decision is under
Ældreloven gets the AEL rules (repeated element declines, priorities not met) and never
the § 94 a rules (time deviation, repeated deselection); a SEL citizen is evaluated as
before. A citizen who moves to Ældreloven has her open SEL flags closed with that reason.

The package: evaluation.py (evaluate a citizen or a municipality: reconcile what holds with
the flags there), holding.py (what holds, for the evaluation and the policy preview alike),
sel_rules.py and ael_rules.py (each law's rules in SQL, then the pure rules), windows.py
(the § 94 a rules' lines as SQL conditions), law.py (each citizen's current law),
found.py (what a rule hands back), routing.py (new flags and their cases), wording.py (the
texts for the visitator) and report.py (what an evaluation did).
"""

from selvvisitation.services.flags.evaluation import (
    CitizenNotFoundError,
    evaluate_citizen,
    evaluate_municipality,
)
from selvvisitation.services.flags.found import Found
from selvvisitation.services.flags.holding import find_holding
from selvvisitation.services.flags.law import ael_citizen_ids
from selvvisitation.services.flags.report import EvaluationReport, FlagOutcome
from selvvisitation.services.flags.windows import deviation_lookback_days

__all__ = [
    "CitizenNotFoundError",
    "EvaluationReport",
    "FlagOutcome",
    "Found",
    "ael_citizen_ids",
    "deviation_lookback_days",
    "evaluate_citizen",
    "evaluate_municipality",
    "find_holding",
]
