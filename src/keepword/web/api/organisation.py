"""Routes for the organisation's settings."""

from __future__ import annotations

from fastapi import APIRouter

from keepword.adapters.helpdesk.records import OrganisationRecord
from keepword.services import queries
from keepword.services.organisation import configure_organisation
from keepword.web.api.deps import Configurer, Reader, UowDep

router = APIRouter(tags=["organisation"])


@router.get("/organisation", response_model=OrganisationRecord)
def get_organisation(uow: UowDep, _: Reader) -> OrganisationRecord:
    """The organisation's name, default time zone and country, and when its business day ends."""
    return OrganisationRecord.of(queries.get_organisation(uow))


@router.put("/organisation", response_model=OrganisationRecord)
def put_organisation(body: OrganisationRecord, uow: UowDep, _: Configurer) -> OrganisationRecord:
    """Replace the organisation's settings (admin only)."""
    return OrganisationRecord.of(configure_organisation(uow, body.to_domain()))
