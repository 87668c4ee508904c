"""Rasa SDK actions: a thin layer that translates between Rasa and bot/."""

from bot.extraction import warm_up

# the action server imports this package once at start
warm_up()
