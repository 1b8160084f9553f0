"""Outbound messages: webhooks (and, later, e-mail)."""
