"""Dependencies every route shares: the wired Keepword, the caller, and access checks."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

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


async def get_keepword(request: Request) -> Keepword:
    kw: Keepword = request.app.state.keepword
    return kw


KeepwordDep = Annotated[Keepword, Depends(get_keepword)]


async def get_uow(kw: KeepwordDep) -> UnitOfWork:
    return kw.uow()


UowDep = Annotated[UnitOfWork, Depends(get_uow)]

_bearer = HTTPBearer(auto_error=False, description="A token from `keepword token create`.")


def get_caller(
    kw: KeepwordDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ApiToken:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated(
            "send 'Authorization: Bearer <token>'; `keepword token create` makes one"
        )
    token = authenticate_token(kw.uow(), credentials.credentials, clock.now())
    if token is None:
        raise Unauthenticated("the bearer token is unknown or revoked")
    return token


def require(permission: Permission) -> Callable[[ApiToken], Coroutine[Any, Any, ApiToken]]:
    """A dependency that lets the call through only if the caller's role has `permission`."""

    async def check(caller: Annotated[ApiToken, Depends(get_caller)]) -> ApiToken:
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
