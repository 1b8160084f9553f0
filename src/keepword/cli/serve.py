"""`keepword serve`: the API and the dashboard."""

from __future__ import annotations

from typing import Annotated

import typer

from keepword.cli.common import keepword, load_settings, out


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (KEEPWORD_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (KEEPWORD_PORT).")] = None,
) -> None:
    """Serve the API (/api/v1) and the dashboard over HTTP, with the clock running beside
    them unless KEEPWORD_SERVE_RUNS_WORKER=false."""
    settings = load_settings()
    with keepword(need_schema=True) as kw:
        host = host or settings.host
        port = port or settings.port
        # Imported here so that other commands start without loading the web stack.
        import uvicorn

        from keepword.web.app import create_app
        from keepword.worker import ClockWorker

        worker = ClockWorker(kw) if settings.serve_runs_worker else None
        if worker is not None:
            worker.start_thread()
        out.print(f"Keepword is serving on http://{host}:{port}  (API docs: /api/v1/docs)")
        if worker is not None:
            out.print(f"The clock checks promises every {worker.interval:g} s.")
        try:
            uvicorn.run(
                create_app(settings, kw), host=host, port=port, log_level=settings.log_level
            )
        finally:
            if worker is not None:
                worker.stop()


def worker(
    once: Annotated[
        bool, typer.Option("--once", help="Run one round and exit (for cron or a test).")
    ] = False,
) -> None:
    """Run the clock alone: flag promises coming at risk, break overdue ones exactly once,
    send queued webhooks; every KEEPWORD_WORKER_INTERVAL_SECONDS until SIGTERM or Ctrl-C.
    Run as many as you like against one database."""
    import logging
    import signal

    from keepword.worker import ClockWorker

    settings = load_settings()
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(message)s")
    with keepword(need_schema=True) as kw:
        clock_worker = ClockWorker(kw)
        if once:
            swept, delivered = clock_worker.run_once()
            out.print(
                f"{len(swept.flagged)} promises flagged at risk, {len(swept.broken)} broken; "
                f"webhooks: {delivered.delivered} delivered, {delivered.retrying} to retry, "
                f"{delivered.failed} given up"
            )
            return
        signal.signal(signal.SIGTERM, lambda *_: clock_worker.stop())
        out.print(f"The clock checks promises every {clock_worker.interval:g} s; Ctrl-C stops it.")
        try:
            clock_worker.run_forever()
        except KeyboardInterrupt:
            clock_worker.stop()
        out.print("The clock stopped.")
