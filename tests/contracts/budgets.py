"""Query budgets of the contracts routes, for tests/portal/test_query_budgets.py (route, who,
build, queries), each query named."""

from __future__ import annotations

from collections.abc import Callable

from tests.contracts.changes_scene import changes_scene
from tests.contracts.placements_budgets import PLACEMENT_BUDGETS
from tests.contracts.world import Placed, placed, ready_to_issue
from tests.portal.query_budget_scenes import Call, api, page


def _placed(build: Callable[[Placed], Call]) -> Callable[[], Call]:
    return lambda: build(placed())


def _signed(build: Callable[[Placed], Call]) -> Callable[[], Call]:
    """Version 1 issued and signed by both, with its PDFs and the Order's rendered as the worker
    renders them."""

    def built() -> Call:
        from contracts.models import RenderKind
        from contracts.services.pdf_documents import render_order_pdf, render_version_pdf
        from contracts.services.versions import version_issue, version_sign
        from tests.contracts.world import ready_to_issue
        from tests.referrals.awards.world import as_actor

        p = placed()
        ready_to_issue(p)
        version = version_issue(actor=as_actor(p.commissioner), version=p.draft)
        for user in (p.provider_user, p.commissioner):
            version_sign(
                actor=as_actor(user),
                version=version,
                content_sha256=version.content_sha256,
                name="Sam Signer",
                position="Head of SEND",
            )
        render_order_pdf(order_id=p.order.pk)
        for kind in (RenderKind.AGREEMENT, RenderKind.SIGNED_AGREEMENT):
            render_version_pdf(version_id=version.pk, kind=kind)
        return build(p)

    return built


def _issued(build: Callable[[Placed], Call]) -> Callable[[], Call]:
    """The agreement completed and issued, waiting for the provider's signature."""

    def made() -> Call:
        from contracts.services.versions import version_issue
        from tests.referrals.awards.world import as_actor

        p = placed()
        ready_to_issue(p)
        version_issue(actor=as_actor(p.commissioner), version=p.draft)
        return build(p)

    return made


# Pages: 1-4 are always the session, the user, the otp device and the actor's memberships.
# The agreement page: 5: the agreement with its Order, setting, parties and signatory; 6: its
# versions; 7: their signatures; 8: the fee history; 9-11: the audited view of the child's
# record (savepoint, insert, release); 12: the Order's PDF (the documents panel; a draft
# version has none of its own to read); 13: the variations with their versions and uplifts
# (the changes partial); 14: the end of the placement.
# A signed agreement's page reads its version's PDFs too (one more, before the changes partial).
# A version's PDF: 5: the agreement with its Order; 6: the version; 7: its PDF; 8-13: the
# audited download (savepoint; savepoint, the view of the child's record, release; the
# download row; release).
# The Order page: 5: the Order with its authority, setting and referral; 6: its agreement;
# 7: its PDF. The Order's PDF: 5-7 the same; 8-10: the audited download (savepoint, insert,
# release).
# The agreements waiting for the actor (signing): 5: the versions with their agreements, Orders
# and authorities, in one query. The signing page: 5: the agreement with its Order, parties and
# signatory; 6: the version awaiting the actor; 7-9: the audited view of the child's record;
# 10: the version's signatures.
CONTRACT_BUDGETS: list[tuple[str, str, Callable[[], Call], int]] = [
    (
        "contracts:agreement",
        "commissioner",
        _placed(lambda p: page(f"/agreements/{p.agreement.pk}/", p.commissioner)),
        14,
    ),
    (
        "contracts:agreement",
        "commissioner, signed",
        _signed(lambda p: page(f"/agreements/{p.agreement.pk}/", p.commissioner)),
        15,
    ),
    (
        "contracts:agreement-pdf",
        "provider",
        _signed(lambda p: page(f"/agreements/{p.agreement.pk}/versions/1/pdf/", p.provider_user)),
        13,
    ),
    (
        "contracts:agreement-signed-pdf",
        "commissioner",
        _signed(
            lambda p: page(f"/agreements/{p.agreement.pk}/versions/1/signed-pdf/", p.commissioner)
        ),
        13,
    ),
    (
        "contracts:order",
        "provider",
        _signed(lambda p: page(f"/orders/{p.order.pk}/", p.provider_user)),
        7,
    ),
    (
        "contracts:order-pdf",
        "commissioner",
        _signed(lambda p: page(f"/orders/{p.order.pk}/pdf/", p.commissioner)),
        10,
    ),
    (
        "contracts:agreement-version",
        "provider",
        _placed(lambda p: page(f"/agreements/{p.agreement.pk}/versions/1/", p.provider_user)),
        14,
    ),
    # The agreement page of a signed agreement with two variations and an end: the same 15.
    (
        "contracts:agreement",
        "provider",
        lambda: (lambda s: page(f"/agreements/{s.agreements[0]}/", s.provider_user))(
            changes_scene()
        ),
        15,
    ),
    # 1-4 as above; 5: the uplifts with their purchasing systems.
    (
        "contracts:regional-uplifts",
        "provider",
        lambda: page("/regional-uplifts/", changes_scene().provider_user),
        5,
    ),
    # API: 1: the token with its user; 2: the actor's memberships; 3: the page of variations
    # with their versions (a cursor page: no count).
    (
        "variation-list",
        "provider",
        lambda: api("/api/v1/variations/", changes_scene().provider_user),
        3,
    ),
    # 1-2 as above; 3: the variation with its version.
    (
        "variation-detail",
        "commissioner",
        lambda: (lambda s: api(f"/api/v1/variations/{s.variation}/", s.commissioner))(
            changes_scene()
        ),
        3,
    ),
    # 1-2 as above; 3: the page of ends.
    (
        "placement-end-list",
        "commissioner",
        lambda: api("/api/v1/placement-ends/", changes_scene().commissioner),
        3,
    ),
    # 1-2 as above; 3: the end.
    (
        "placement-end-detail",
        "provider",
        lambda: (lambda s: api(f"/api/v1/placement-ends/{s.end}/", s.provider_user))(
            changes_scene()
        ),
        3,
    ),
    # 1-2 as above; 3: the page of uplifts.
    (
        "regional-uplift-list",
        "commissioner",
        lambda: api("/api/v1/regional-uplifts/", changes_scene().commissioner),
        3,
    ),
    # 1-2 as above; 3: the uplift.
    (
        "regional-uplift-detail",
        "provider",
        lambda: (lambda s: api(f"/api/v1/regional-uplifts/{s.uplift}/", s.provider_user))(
            changes_scene()
        ),
        3,
    ),
    (
        "contracts:agreements-waiting",
        "commissioner",
        _placed(lambda p: page("/agreements/waiting/", p.commissioner)),
        5,
    ),
    (
        "contracts:agreements-waiting",
        "provider",
        _issued(lambda p: page("/agreements/waiting/", p.provider_user)),
        5,
    ),
    (
        "contracts:agreement-sign",
        "provider",
        _issued(lambda p: page(f"/agreements/{p.agreement.pk}/sign/", p.provider_user)),
        10,
    ),
    # contracts: placements (branch plist). Two signed agreements with an agreed uplift, a
    # proposed one, a proposed change of end date and planned ends (the changes scene).
    *PLACEMENT_BUDGETS,
]


# contracts: orders and agreements (contracts/api/agreements.py). API: 1: the token with its
# user; 2: the actor's memberships.
# Orders: 3: the page of Orders with their authorities, referrals and agreements; 4: their PDFs.
# An Order: 3-4 the same for one. Its PDF (the page's selector): 3: the Order with its
# authority, setting and referral; 4: its agreement; 5: its PDF; 6-8: the audited download
# (savepoint, insert, release).
# Agreements: 3: the page of agreements with their Orders, authorities and versions in force.
# An agreement (the page's selector): 3: the agreement with its Order, setting, parties and
# signatory; 4: its versions; 5: their signatures; 6: the fee history; 7-9: the audited view of
# the child's record (savepoint, insert, release); 10: the versions' PDFs (the version in force
# is one of the versions read, never a query of its own).
# Its versions: 3: the agreement (through the router); 4: the versions; 5: their signatures;
# 6-8: the audited view; 9: the PDFs.
# A version's PDF: 3: the agreement with its version in force; 4-6: the page's selector (the
# agreement with its Order, the version, its PDF); 7-12: the audited download (savepoint;
# savepoint, the view of the child's record, release; the download row; release).
CONTRACT_BUDGETS += [
    (
        "order-list",
        "provider",
        lambda: api("/api/v1/orders/", changes_scene().provider_user),
        4,
    ),
    (
        "order-detail",
        "commissioner",
        _signed(lambda p: api(f"/api/v1/orders/{p.order.pk}/", p.commissioner)),
        4,
    ),
    (
        "order-pdf",
        "provider",
        _signed(lambda p: api(f"/api/v1/orders/{p.order.pk}/pdf/", p.provider_user)),
        8,
    ),
    (
        "agreement-list",
        "commissioner",
        lambda: api("/api/v1/agreements/", changes_scene().commissioner),
        3,
    ),
    (
        "agreement-detail",
        "provider",
        lambda: (lambda s: api(f"/api/v1/agreements/{s.agreements[0]}/", s.provider_user))(
            changes_scene()
        ),
        10,
    ),
    (
        "agreement-versions",
        "commissioner",
        lambda: (lambda s: api(f"/api/v1/agreements/{s.agreements[0]}/versions/", s.commissioner))(
            changes_scene()
        ),
        9,
    ),
    (
        "agreement-pdf",
        "commissioner",
        _signed(
            lambda p: api(
                f"/api/v1/agreements/{p.agreement.pk}/pdf/?version=1&signed=true", p.commissioner
            )
        ),
        12,
    ),
]
