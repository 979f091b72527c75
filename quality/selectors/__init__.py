"""Reads of the quality app: rating alerts (`alerts`)."""
