"""The `keepword` command line (Typer and Rich)."""
