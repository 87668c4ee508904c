"""The staff console (issue 6): login, conversations, profile with notes, counselling
together in the chat, export, deletion, audit log and accounts. Mounted at /staff."""

from bot.web.staff.app import create_staff_app

__all__ = ["create_staff_app"]
