"""GAD-7 check-ins (CONTRACT.md section 4)."""
