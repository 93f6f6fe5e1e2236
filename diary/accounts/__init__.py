"""Users, roles, care teams, invites, sessions, login, CSRF and patient settings."""
