"""Pages of signing an IPA: completing the draft (one page per part of the terms), issuing it,
signing and countersigning it, withdrawing a version, and the agreements waiting for the actor
(see contracts/urls.py)."""

from django.urls import URLPattern, URLResolver, path

from contracts.views import drafting, signing

urlpatterns: list[URLPattern | URLResolver] = [
    path("agreements/waiting/", signing.agreements_waiting, name="agreements-waiting"),
    path("agreements/<int:pk>/draft/", drafting.draft_parties, name="agreement-draft"),
    path(
        "agreements/<int:pk>/draft/provision/",
        drafting.draft_provision,
        name="agreement-draft-provision",
    ),
    path("agreements/<int:pk>/draft/costs/", drafting.draft_costs, name="agreement-draft-costs"),
    path(
        "agreements/<int:pk>/draft/funding/",
        drafting.draft_funding,
        name="agreement-draft-funding",
    ),
    path(
        "agreements/<int:pk>/draft/signatories/",
        drafting.draft_signatories_page,
        name="agreement-draft-signatories",
    ),
    path("agreements/<int:pk>/issue/", signing.agreement_issue, name="agreement-issue"),
    path("agreements/<int:pk>/sign/", signing.agreement_sign, name="agreement-sign"),
    path(
        "agreements/<int:pk>/versions/<int:number>/withdraw/",
        signing.version_withdraw_page,
        name="agreement-withdraw",
    ),
]
