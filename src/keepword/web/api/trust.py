"""Routes for the trust index: a customer's index and why, who is at risk, the organisation."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from keepword import clock
from keepword.services import trust
from keepword.services.trust import CustomerTrust, OrganisationTrust
from keepword.web.api.deps import Reader, UowDep
from keepword.web.api.schemas import Instant, sent_as_json

router = APIRouter(tags=["trust"])


class ExplainedOut(BaseModel):
    kind: str = Field(description="the trust event's kind")
    at: Instant
    contribution: float = Field(description="points it moves the index by now")
    text: str = Field(examples=["Promise 'activation within 3 days' broken, 7 days late"])


class TrustOut(BaseModel):
    customer: str
    index: float = Field(ge=0, le=100)
    at_risk: bool
    explanation: list[ExplainedOut] = Field(description="the events that move it most, first")

    @classmethod
    def of(cls, found: CustomerTrust) -> TrustOut:
        reading = found.reading
        return cls(
            customer=found.customer_id,
            index=reading.index,
            at_risk=reading.at_risk,
            explanation=[
                ExplainedOut(kind=e.kind, at=e.at, contribution=e.contribution, text=e.text)
                for e in reading.explanation
            ],
        )


class OrganisationTrustOut(BaseModel):
    customers: int
    mean_index: float | None
    histogram: list[int] = Field(description="customers per 10 points: 0-9, 10-19, ..., 90-100")
    at_risk: int
    trend: list[tuple[str, float, int]] = Field(description="(day, mean index, customers at risk)")
    lost_by_team: list[tuple[str, str, float]] = Field(
        description="(team, event kind, points the index lost to it now), the costliest first"
    )
    as_of: datetime

    @classmethod
    def of(cls, found: OrganisationTrust, now: datetime) -> OrganisationTrustOut:
        return cls(
            customers=found.customers,
            mean_index=found.mean_index,
            histogram=found.histogram,
            at_risk=found.at_risk,
            trend=list(found.trend),
            lost_by_team=list(found.lost_by_team),
            as_of=now,
        )


@router.get("/customers/{customer_id}/trust", response_model=TrustOut)
def customer_trust(customer_id: str, uow: UowDep, _: Reader) -> Response:
    """A customer's trust index now (0-100), whether at risk and why, and the events that
    move it most, in plain words; 404 for an unknown customer."""
    return sent_as_json(TrustOut.of(trust.trust_of(uow, customer_id, clock.now())))


@router.get("/trust/at-risk", response_model=list[TrustOut])
def customers_at_risk(uow: UowDep, _: Reader) -> list[TrustOut]:
    """Customers at risk now, lowest index first: under the threshold, fallen fast, or
    asking to leave after a breach."""
    return [TrustOut.of(found) for found in trust.at_risk(uow, clock.now())]


@router.get("/trust/organisation", response_model=OrganisationTrustOut)
def organisation_trust(uow: UowDep, _: Reader) -> OrganisationTrustOut:
    """The distribution of the index, its trend, and the breaches that cost most, by team."""
    now = clock.now()
    return OrganisationTrustOut.of(trust.organisation_trust(uow, now), now)
