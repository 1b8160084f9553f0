"""The web application: JSON API under /api/v1, the dashboard, and health probes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from keepword import __version__
from keepword.bootstrap import Keepword, bootstrap
from keepword.settings import Settings
from keepword.web.api import (
    agents,
    audit,
    cases,
    conversations,
    customers,
    health,
    organisation,
    promises,
    tokens,
    trust,
    trust_events,
    webhooks,
)
from keepword.web.api.errors import install_error_handlers
from keepword.web.dashboard.routes import mount_dashboard

API_PREFIX = "/api/v1"


def create_app(settings: Settings, keepword: Keepword | None = None) -> FastAPI:
    """Build the app for `settings`; pass `keepword` to share an already wired instance."""
    kw = keepword or bootstrap(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if keepword is None:
            kw.close()

    app = FastAPI(
        title="Keepword",
        version=__version__,
        description="Keeps a company's word to its customers. Every /api route needs a bearer "
        "token from `keepword token create`.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.keepword = kw
    install_error_handlers(app)
    app.include_router(health.router)
    for module in (
        customers,
        agents,
        cases,
        conversations,
        audit,
        trust_events,
        promises,
        webhooks,
        trust,
        organisation,
        tokens,
    ):
        app.include_router(module.router, prefix=API_PREFIX)
    mount_dashboard(app, settings.session_secret(), settings.session_max_age_seconds)
    return app
