"""Exports (docs/api.md, "Exports")."""
