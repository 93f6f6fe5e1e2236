"""GAD-7 check-ins (docs/api.md, "Check-ins")."""
