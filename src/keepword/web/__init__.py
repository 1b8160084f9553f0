"""HTTP: the JSON API under /api/v1 and the dashboard; both translate, neither decides."""
