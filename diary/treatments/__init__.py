"""Ketamine treatment sessions, completed and planned (docs/api.md, "Treatment sessions")."""
