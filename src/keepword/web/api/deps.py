"""Dependencies every route shares: the wired Keepword, the caller, and access checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from keepword import clock
from keepword.bootstrap import Keepword
from keepword.domain.access import ApiToken, Permission, role_allows
from keepword.domain.errors import AccessDenied
from keepword.services.access import authenticate_token
from keepword.services.ports import UnitOfWork


class Unauthenticated(Exception):
    """No bearer token, or one that is unknown or revoked."""


# The dependencies every API request solves take the request itself rather than
# KeepwordDep: FastAPI solves each dependency of a dependency on every request, on the
# event loop, even one it has already answered for that request.
def _keepword_of(request: Request) -> Keepword:
    kw: Keepword = request.app.state.keepword
    return kw


async def get_keepword(request: Request) -> Keepword:
    """The app's wired Keepword."""
    return _keepword_of(request)


KeepwordDep = Annotated[Keepword, Depends(get_keepword)]


async def get_uow(request: Request) -> UnitOfWork:
    """A new unit of work for the route."""
    return _keepword_of(request).uow()


UowDep = Annotated[UnitOfWork, Depends(get_uow)]

_bearer = HTTPBearer(auto_error=False, description="A token from `keepword token create`.")


BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def get_caller(kw: KeepwordDep, credentials: BearerCredentials) -> ApiToken:
    """The caller whose active bearer token this is; Unauthenticated otherwise."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated(
            "send 'Authorization: Bearer <token>'; `keepword token create` makes one"
        )
    token = authenticate_token(kw.uow(), credentials.credentials, clock.now())
    if token is None:
        raise Unauthenticated("the bearer token is unknown or revoked")
    return token


def require(permission: Permission) -> Callable[..., ApiToken]:
    """A dependency that lets the call through only if the caller's role has `permission`."""

    # The caller is found here rather than in a dependency of its own, for the same reason.
    def check(request: Request, credentials: BearerCredentials) -> ApiToken:
        caller = get_caller(_keepword_of(request), credentials)
        if not role_allows(caller.role, permission):
            raise AccessDenied(
                f"token '{caller.token_id}' has role '{caller.role}', which may not {permission}"
            )
        return caller

    return check


Reader = Annotated[ApiToken, Depends(require(Permission.READ))]
Writer = Annotated[ApiToken, Depends(require(Permission.WRITE))]
Admin = Annotated[ApiToken, Depends(require(Permission.MANAGE_ACCESS))]
Configurer = Annotated[ApiToken, Depends(require(Permission.CONFIGURE))]
