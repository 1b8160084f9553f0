"""`keepword serve`: the API and the dashboard."""

from __future__ import annotations

from typing import Annotated

import typer

from keepword.cli.common import keepword, load_settings, out


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (KEEPWORD_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (KEEPWORD_PORT).")] = None,
) -> None:
    """Serve the API (/api/v1) and the dashboard over HTTP."""
    settings = load_settings()
    with keepword(need_schema=True):
        pass  # refuse to start on an old schema, with the fix in the message
    host = host or settings.host
    port = port or settings.port
    # Imported here so that other commands start without loading the web stack.
    import uvicorn

    from keepword.web.app import create_app

    out.print(f"Keepword is serving on http://{host}:{port}  (API docs: /api/v1/docs)")
    uvicorn.run(create_app(settings), host=host, port=port, log_level=settings.log_level)
