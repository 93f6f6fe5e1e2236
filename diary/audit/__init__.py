"""The audit trail: who read or changed which patient's diary, and when."""
