"""Every read of the quality app, given the actor (through `scoped`)."""
