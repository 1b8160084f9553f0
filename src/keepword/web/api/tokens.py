"""Routes for managing API tokens (admin only)."""

from __future__ import annotations

from fastapi import APIRouter

from keepword import clock
from keepword.services.access import create_token, list_tokens, revoke_token
from keepword.web.api.deps import Admin, UowDep
from keepword.web.api.schemas import IssuedTokenOut, TokenIn, TokenOut

router = APIRouter(tags=["access"])


@router.get("/tokens", response_model=list[TokenOut])
def get_tokens(uow: UowDep, _: Admin) -> list[TokenOut]:
    """Every token, without its secret."""
    return [TokenOut.of(t) for t in list_tokens(uow)]


@router.post("/tokens", response_model=IssuedTokenOut, status_code=201)
def post_token(body: TokenIn, uow: UowDep, _: Admin) -> IssuedTokenOut:
    """Issue a token; the response holds its secret, which is never shown again."""
    issued = create_token(uow, body.name, body.role, clock.now())
    return IssuedTokenOut(**TokenOut.of(issued.token).model_dump(), token=issued.secret)


@router.delete("/tokens/{token_id}", response_model=TokenOut)
def delete_token(token_id: str, uow: UowDep, _: Admin) -> TokenOut:
    """Revoke a token at once."""
    return TokenOut.of(revoke_token(uow, token_id, clock.now()))
