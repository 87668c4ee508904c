"""Rasa SDK actions: a thin layer that translates between Rasa and bot/."""
