"""Flags, timeline and worklist: runs relief.py over stored data."""
