"""Keepword keeps a company's word to its customers."""

__version__ = "0.1.0"
