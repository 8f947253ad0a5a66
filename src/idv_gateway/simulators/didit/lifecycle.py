"""How a session status translates into per-feature statuses and warnings.

One function serves the seeded data, `update-status` and the `/_sim` status hook, so a
session always looks the same whichever way it reached a status: `Not Started` has every
feature `Not Finished`, `Declined` has at least one `Declined` feature with an
error-level warning, `In Review` one `In Review` feature with a review-level warning.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import NamedTuple

from idv_gateway.simulators.didit._rand import below, one
from idv_gateway.simulators.didit.catalog import RISKS

__all__ = ["FINISHED_SESSION_STATUSES", "RiskWarning", "plan_features"]

NOT_FINISHED = "Not Finished"
# Statuses in which the decision has been taken (every feature ran).
FINISHED_SESSION_STATUSES = frozenset(
    {"Approved", "Declined", "In Review", "Kyc Expired", "Resubmitted"}
)
_PARTIAL = frozenset({"In Progress", "Abandoned", "Awaiting User"})
_FOCUS_STATUS = {"Declined": "Declined", "In Review": "In Review", "Resubmitted": "Resub Requested"}
_LOG_TYPE = {"Declined": "error", "Resub Requested": "error", "In Review": "warning"}
_INFO_WARNING_RATE = 0.02  # per approved feature


class RiskWarning(NamedTuple):
    """One warning raised by a feature; `log_type` follows the configured action."""

    feature: str
    risk: str
    log_type: str  # "error" (decline), "warning" (review) or "information"


def plan_features(
    features: Sequence[str],
    status: str,
    rng: random.Random,
    focus: Sequence[str] = (),
) -> tuple[tuple[str, ...], tuple[RiskWarning, ...]]:
    """Feature statuses (in workflow order) and warnings consistent with a session status.

    `focus` names the features that caused a `Declined`/`In Review`/`Resubmitted` outcome
    (e.g. `nodes_to_resubmit`); otherwise one or two are drawn from `rng`.
    """
    count = len(features)
    statuses = [NOT_FINISHED] * count  # Not Started, Expired: nothing ran
    chosen: list[int] = []
    outcome = _FOCUS_STATUS.get(status)
    if status in _PARTIAL and count:
        done = below(rng, 0, count)
        statuses[:done] = ["Approved"] * done
    elif status in FINISHED_SESSION_STATUSES:
        statuses = ["Approved"] * count
        if outcome is not None and count:
            chosen = [i for i, feature in enumerate(features) if feature in focus]
            if not chosen:
                chosen = [below(rng, 0, count)]
                if status != "Resubmitted" and count > 1 and rng.random() < 0.3:
                    chosen.append((chosen[0] + 1) % count)
            for index in chosen:
                statuses[index] = outcome
    warnings: list[RiskWarning] = []
    for index in chosen:  # the features behind a decline, review or resubmission
        risks = RISKS.get(features[index], ())
        if risks and outcome is not None:
            warnings.append(RiskWarning(features[index], one(rng, risks), _LOG_TYPE[outcome]))
    finished = [i for i, st in enumerate(statuses) if st == "Approved"]
    if finished and rng.random() < _INFO_WARNING_RATE * len(finished):
        feature = features[one(rng, finished)]
        risks = RISKS.get(feature, ())
        if risks:
            warnings.append(RiskWarning(feature, one(rng, risks), "information"))
    if status == "Kyc Expired" and "ID_VERIFICATION" in features:
        warnings.append(RiskWarning("ID_VERIFICATION", "DOCUMENT_EXPIRED", "warning"))
    return tuple(statuses), tuple(warnings)
