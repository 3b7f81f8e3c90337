"""The citizen's guided dialogue, declared as data: steps, the input each expects, where
each answer leads.

Plain code, no Flask and no database: a ``Context`` of plain values comes in (the
citizen's grants, coming visits, catalogue, policy), messages and the next state go out.
A new path is a few ``Step`` entries and a small handler in its own module, never a new view.

Texts are English message ids marked with ``N_`` and translated when shown, so a stored
conversation reads in the language the reader chooses today. Actions that change
anything (sending a swap, saving a wish) are named ``effects``; the caller carries them
out in its transaction and may refuse them, in which case nothing changes.

The system never decides: a swap is checked and explained (domain.swaps) and sent to
the home-care worker, who decides on the day whether it is safe (rule 5).

The package: ``primitives`` (what a step is made of), ``engine`` (running the steps: an
answer, going back, changing an answer, forgetting a typed CPR number), and one module per
path: ``menu`` (with understanding her own words), ``swap``, ``priority`` (under
Ældreloven), ``wish``, ``reassessment``, ``consent``, ``relative`` and ``call_back``.
The engine's API is importable from the package itself.
"""

from selvvisitation.domain.dialogue_steps.engine import (
    CALL_BACK_STEPS,
    CPR,
    START,
    STEPS,
    after_effect,
    answer,
    back,
    back_to,
    call_me,
    changeable,
    entering,
    forget_cpr,
    holds_cpr,
    question,
    start,
    type_cpr_again,
)
from selvvisitation.domain.dialogue_steps.primitives import (
    N_,
    Answer,
    ConsentInfo,
    Context,
    Invalid,
    Message,
    Outcome,
    Question,
    State,
    VisitInfo,
)

__all__ = [
    "CALL_BACK_STEPS",
    "CPR",
    "N_",
    "START",
    "STEPS",
    "Answer",
    "ConsentInfo",
    "Context",
    "Invalid",
    "Message",
    "Outcome",
    "Question",
    "State",
    "VisitInfo",
    "after_effect",
    "answer",
    "back",
    "back_to",
    "call_me",
    "changeable",
    "entering",
    "forget_cpr",
    "holds_cpr",
    "question",
    "start",
    "type_cpr_again",
]
