"""Phone numbers: checked with Google's libphonenumber (`phonenumbers`) and stored in one form.

A number is read as a UK number unless it starts with + and a country code, and is stored in
E.164 (`+441614960000`): one spelling per number, so "0161 496 0000" and "+44 (0)161 4960000"
are the same value. `phone_for_display` writes it back the way people read it (national format
for a UK number, international for any other).
"""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "GB"
PHONE_INVALID = "Enter a phone number, like 0161 496 0000 or +44 808 157 0192."


class PhoneNumberError(ValueError):
    def __init__(self, message: str = PHONE_INVALID) -> None:
        super().__init__(message)
        self.message = message


def normalise_phone(text: str) -> str:
    """`text` in E.164, or "" for a blank answer; `PhoneNumberError` when it is not a number."""
    text = text.strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise PhoneNumberError() from exc
    if not phonenumbers.is_valid_number(number):
        raise PhoneNumberError()
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_problem(text: str) -> str | None:
    """The message for a phone number that is not one, or None."""
    try:
        normalise_phone(text)
    except PhoneNumberError as exc:
        return exc.message
    return None


def phone_for_display(stored: str) -> str:
    """A stored number as a person reads it; anything unreadable (older rows) as it was."""
    try:
        number = phonenumbers.parse(stored, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return stored
    if not phonenumbers.is_valid_number(number):
        return stored
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if phonenumbers.region_code_for_number(number) == DEFAULT_REGION
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)
