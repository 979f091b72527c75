"""Reads of the providers app: each takes the actor and returns what that actor may see."""
