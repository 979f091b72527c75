"""The quality app's API (routes: quality/api_urls.py)."""
