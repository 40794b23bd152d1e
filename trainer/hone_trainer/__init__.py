"""Hone's fine-tuning worker. Entry point: ``python -m hone_trainer``."""

__version__ = "0.1.0"
