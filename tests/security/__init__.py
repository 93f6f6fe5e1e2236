"""Security and trust: headers, sessions, MFA, the audit trail, logging, the access matrix and fuzzing."""
