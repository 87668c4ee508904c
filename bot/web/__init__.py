"""The public web app: chat page, proxy to Rasa on loopback, the person's own data."""
