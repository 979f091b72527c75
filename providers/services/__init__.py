"""Writes for the providers app. Onboarding: windows, purchasing, registration, evidence,
applications, evaluation and membership each have their own module."""
