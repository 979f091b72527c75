from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    error_messages = {
        "invalid_login": (
            "Enter a correct email address and password. The password is case-sensitive."
        ),
        "inactive": "This account has been deactivated. Contact your organisation's administrator.",
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["password"].error_messages["required"] = "Enter your password"

    def clean_username(self) -> str:
        # Addresses are stored in lower case (UserManager.create_user); people type them any way.
        return str(self.cleaned_data["username"]).strip().lower()


class GovukPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )


class GovukSetPasswordForm(SetPasswordForm):
    pass


class AppCodeForm(forms.Form):
    """The 6-digit code an authenticator app shows (TOTP)."""

    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code your app shows for North West SEND Placements.",
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "autocapitalize": "none",
            }
        ),
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def clean_code(self) -> str:
        code = "".join(str(self.cleaned_data["code"]).split())
        if not (len(code) == 6 and code.isdigit()):
            raise forms.ValidationError(
                "Enter the code as 6 digits, like 123456", code="invalid_format"
            )
        return code


class RecoveryCodeForm(forms.Form):
    """One of the recovery codes shown when the app was set up."""

    code = forms.CharField(
        label="Recovery code",
        help_text="One of the 16-character codes you saved, like abcd-efgh-ijkl-mnop.",
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}
        ),
        error_messages={"required": "Enter a recovery code"},
    )


class ConfirmRegistrationForm(forms.Form):
    """The second half of registering: the password chosen, proving the same person asked."""

    password = forms.CharField(
        label="Password",
        help_text="The password you chose when you registered.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter the password you chose when you registered"},
    )
