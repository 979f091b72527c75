"""The onboarding API (see views)."""
