"""Use cases: load, act through the domain, commit. No web framework, CLI or SQL here."""
