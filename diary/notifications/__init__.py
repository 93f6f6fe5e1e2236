"""Reminders and provider alerts: when they are due, what they say, how they travel."""
