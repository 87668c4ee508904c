"""Helpers shared by several test modules (no tests in here)."""
