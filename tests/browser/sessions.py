"""How the browser tests sign someone in without the sign-in form: a session made by Django's
test client. The gate's page table (through a test client) and the browser contexts (through
the session cookie, in conftest's `open_signed_in`) both come here, so a change to what a
signed-in session needs (a second factor, say) is made once."""

from __future__ import annotations

from django.test import Client

from fps_portal.accounts.models import User
from tests.conftest import password_only_force_login


def signed_in_client(user: User | None, *, second_factor: bool = True) -> Client:
    """A test client signed in as `user` (anonymous for None), past the second factor unless
    `second_factor` is False (a password-only session, held at the second-factor step); server
    errors are answered as pages, not raised, so their templates can be checked."""
    client = Client(raise_request_exception=False)
    if user is None:
        pass
    elif second_factor:
        client.force_login(user)
    else:
        password_only_force_login(client, user)
    return client
