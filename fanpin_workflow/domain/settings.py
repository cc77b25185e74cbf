"""Policy parameters of the approval workflow; each has a national default."""

from __future__ import annotations

import attrs
import pendulum

from fanpin_workflow.domain.clock import CAMPAIGN_ZONE
from fanpin_workflow.errors import InvalidInput


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 366:
        raise InvalidInput(
            attribute.name, value, "must be a whole number of days from 1 to 366"
        )


def _zone(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    try:
        pendulum.timezone(value)
    except Exception:  # pendulum raises several kinds for an unknown name
        raise InvalidInput(attribute.name, value, "must be an IANA time zone") from None


@attrs.frozen
class ApprovalSettings:
    """How long a public notice runs and how fast inclusion must be decided."""

    notice_days: int = attrs.field(default=5, validator=_positive)
    inclusion_limit_days: int = attrs.field(default=15, validator=_positive)
    zone: str = attrs.field(default=CAMPAIGN_ZONE, validator=_zone)
