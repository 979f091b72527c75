"""Reads of the quality app, given the actor (through `scoped`): rating alerts (`alerts`),
re-checks and expired evidence."""
