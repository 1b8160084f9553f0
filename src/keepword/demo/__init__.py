"""Demo data written by us: a small telecom's customers, cases and conversations."""
