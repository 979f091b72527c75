"""Small pieces of English shared by messages, pages and notifications."""

from __future__ import annotations


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
