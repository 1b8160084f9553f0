"""The server-rendered dashboard: Jinja2 templates, one stylesheet, nothing from a CDN."""
