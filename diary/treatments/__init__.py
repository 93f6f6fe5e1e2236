"""Ketamine treatment sessions, completed and planned (CONTRACT.md section 5)."""
