"""The quality app's pages."""
