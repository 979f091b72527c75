"""Onboarding pages: provider registration, evidence and applications; the lead authority's
configuration, windows, evaluation, moderation and memberships."""
