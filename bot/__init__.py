"""LWIW-Assistent: application code (profile, storage, dialogue logic, knowledge, export, web)."""
