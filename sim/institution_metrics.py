"""Reporters for WAICO, the international instruments and trust (placeholder)."""

MODEL_REPORTERS: dict = {}
STATE_REPORTERS: dict = {}
