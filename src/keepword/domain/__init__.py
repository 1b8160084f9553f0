"""The rules of Keepword in plain Python: no database, network, clock or third-party import."""
