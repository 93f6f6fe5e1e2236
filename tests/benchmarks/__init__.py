"""Benchmarks, run by ``make bench`` (not part of ``make test``).

Absolute times on a shared machine mean little, so every figure is printed as
a ratio to a bare Flask JSON route measured in the same run, on the same app,
over the same loopback HTTP connection.
"""
