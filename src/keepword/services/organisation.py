"""Use cases for the organisation's settings."""

from __future__ import annotations

from keepword.domain.organisation import Organisation
from keepword.services.ports import UnitOfWork


def configure_organisation(uow: UnitOfWork, organisation: Organisation) -> Organisation:
    """Replace the organisation's name, default time zone, country and business-day end."""
    with uow:
        uow.organisation.save(organisation)
        uow.commit()
    return organisation
