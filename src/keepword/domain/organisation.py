"""The organisation's own settings: the defaults a customer without their own falls back to."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time, timedelta
from typing import Any

from keepword.domain.errors import InvalidValue
from keepword.domain.promises import RiskPolicy
from keepword.domain.trust import TrustModel, trust_model_of
from keepword.domain.values import check_country, check_timezone

_HOUR_MINUTE = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


@dataclass
class Organisation:
    """Name, default time zone and country, when a business day ends ("close of business"
    in a promise, 17:00 unless set), and when promises count as at risk."""

    name: str = "My company"
    timezone: str = "UTC"
    country: str | None = None
    business_day_end: time = time(17, 0)
    at_risk_fraction: float = 0.2
    at_risk_minimum: timedelta = timedelta(hours=1)
    no_due_alert: timedelta = timedelta(hours=48)
    # Changes to the trust index's defaults: {"prior": 65, "weights": {"rude": {"points": 12}}}.
    trust_settings: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_timezone("timezone", self.timezone)
        self.country = check_country("country", self.country)
        self.risk_policy()  # refuses a share outside 0-1 or a negative lead time
        self.trust_model()  # refuses a setting the trust index cannot use, naming it

    def risk_policy(self) -> RiskPolicy:
        """When this organisation's open promises count as at risk."""
        return RiskPolicy(self.at_risk_fraction, self.at_risk_minimum, self.no_due_alert)

    def trust_model(self) -> TrustModel:
        """The trust index as this organisation configured it (the defaults, changed by
        `trust_settings`)."""
        return trust_model_of(self.trust_settings)


def parse_business_day_end(value: str) -> time:
    """Read 'HH:MM' (24-hour clock) as the time a business day ends."""
    match = _HOUR_MINUTE.fullmatch(value.strip())
    if not match:
        raise InvalidValue(
            "business_day_end", f"'{value}' is not a time of day as HH:MM, e.g. 17:30"
        )
    return time(int(match.group(1)), int(match.group(2)))
