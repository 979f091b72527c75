"""Every write of the quality app: keyword-only, atomic, audited."""
