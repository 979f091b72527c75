"""Small pieces of English shared by messages, pages and notifications."""

from __future__ import annotations


def is_number(text: str) -> bool:
    """Whether `text` is a whole number written in ASCII digits.

    `str.isdigit()` alone also accepts "²" and other Unicode digits, which `int()` then refuses (a
    server error) or which would be stored as a "number" nobody can type.
    """
    return text.isascii() and text.isdigit()


def possessive(name: object) -> str:
    """`name` with its possessive ending: "Oak Trust's", but "Mersey Vale Schools'".

    A name ending in s takes only an apostrophe, as GOV.UK and most house styles write a plural
    (organisation names usually end in s because they are plurals: Schools, Services, Homes).
    """
    text = str(name)
    return f"{text}'" if text.endswith(("s", "S")) else f"{text}'s"


def too_long(what: str, limit: int) -> dict[str, str]:
    """The GOV.UK wording for a value over `limit` characters, as a form field's error message."""
    return {"max_length": f"{what} must be {limit} characters or fewer."}


#: API clients act as a user of their own whose address is in this reserved domain (RFC 2606):
#: no e-mail can reach it, no password is set, and notifications skip it (ADR 0015).
API_CLIENT_EMAIL_DOMAIN = "api-client.invalid"


def is_api_client_address(email: str) -> bool:
    return email.endswith("@" + API_CLIENT_EMAIL_DOMAIN)


def names_in_words(names: list[str]) -> str:
    """A list as a sentence reads it: "Oak", "Oak and Ash", "Oak, Ash and Elm"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"
