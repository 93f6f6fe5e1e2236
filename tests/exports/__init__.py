"""Exports (CONTRACT.md section 8)."""
