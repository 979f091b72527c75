"""A placement whose IPA both parties have signed (through the services), for the variations and
endings tests; and signing a variation's version as each party."""

from __future__ import annotations

from contracts.models import AgreementVersion
from contracts.services.versions import version_issue, version_sign
from tests.contracts.world import Placed, placed, ready_to_issue
from tests.referrals.awards.world import as_actor


def sign_both(p: Placed, version: AgreementVersion) -> AgreementVersion:
    """The provider signs the issued version, then the authority's signatory countersigns."""
    version_sign(
        actor=as_actor(p.provider_user),
        version=version,
        content_sha256=version.content_sha256,
        name="Pat Head",
        position="Headteacher",
    )
    version_sign(
        actor=as_actor(p.commissioner),
        version=version,
        content_sha256=version.content_sha256,
        name="Sam Commissioner",
        position="Head of SEND",
    )
    version.refresh_from_db()
    p.agreement.refresh_from_db()
    return version


def signed() -> Placed:
    """An award's IPA, completed, issued and signed by both: version 1 in force."""
    p = placed()
    ready_to_issue(p)
    sign_both(p, version_issue(actor=as_actor(p.commissioner), version=p.draft))
    p.draft.refresh_from_db()
    return p
