"""The conversation audit: a conversation in, turn labels with evidence and findings out.

Pure: no database, network or clock. The same call serves the API, the CLI,
the worker and batch jobs.
"""
