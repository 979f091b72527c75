"""The forms of signing an IPA: the signature (name, the role signed in, and the hash of the
exact version read, hidden), and the reason a version is withdrawn."""

from __future__ import annotations

from django import forms

from fps_portal.web.reasons import ReasonForm, reason_field


class SignForm(forms.Form):
    name = forms.CharField(
        label="Your full name",
        max_length=200,
        error_messages={"required": "Enter your full name as you sign."},
    )
    position = forms.CharField(
        label="The role you sign in",
        help_text="For example, Headteacher or Head of SEND.",
        max_length=200,
        error_messages={"required": "Enter the role you sign in, for example Headteacher."},
    )
    confirm = forms.BooleanField(
        label="I have read this version of the agreement and sign it for my organisation",
        error_messages={"required": "Confirm that you have read the agreement and sign it."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    content_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)


class WithdrawForm(ReasonForm):
    reason = reason_field(
        "Why is this version withdrawn?",
        required="Enter why the version is withdrawn.",
        help_text="Both parties read this. Do not name the child.",
    )
