"""The audit's components, one module each."""
