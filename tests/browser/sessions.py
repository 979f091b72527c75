"""How the browser tests sign someone in without the sign-in form: a session made by Django's
test client. The gate's page table (through a test client) and the browser contexts (through
the session cookie, in conftest's `open_signed_in`) both come here, so a change to what a
signed-in session needs (a second factor, say) is made once."""

from __future__ import annotations

from django.test import Client

from fps_portal.accounts.models import User


def signed_in_client(user: User | None) -> Client:
    """A test client signed in as `user` (anonymous for None); server errors are answered as
    pages, not raised, so their templates can be checked."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client
