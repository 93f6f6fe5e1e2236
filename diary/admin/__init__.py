"""Clinic administration: staff, care teams, which team a patient is on, the clinic's settings."""
