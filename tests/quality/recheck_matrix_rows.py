"""The re-check and expiry rows of the authorisation matrix (tests/portal/matrix_table.py).

Only the lead authority's evaluators and the provider whose re-check or evidence it is see these
(the other provider's is 404); the suspension queue is the lead authority's alone; every other
role is refused (403) before anything is looked up. Pages are posted empty: a form with nothing
in it is 400 and writes nothing; the API's writes get an empty body (400) once allowed.
"""

from __future__ import annotations

from tests.portal.matrix_rules import Found, Own, Row, expect

RECHECK = ("quality.Recheck", "quality.RecheckItem", "quality.RecheckEvent")
LAPSE = ("quality.EvidenceLapse", "providers.Evidence")


def _both(ok: int, lead: int | None = None) -> dict[str, object]:
    """The provider's own (Own) and the lead authority's (Found) answers."""
    return expect(providers=Own(ok), lead=Found(ok if lead is None else lead))


PAGES: dict[str, Row] = {
    "quality:recheck-list": Row(get=expect(providers=200, lead=200)),
    # The provider sends its re-check with an empty POST: items are unanswered (400); the lead
    # authority does not send a provider's re-check (403 from the service).
    "quality:recheck": Row(
        ids="recheck", get=_both(200), writes={"POST": _both(400, lead=403)}, touches=RECHECK
    ),
    "quality:recheck-item": Row(
        ids="recheck_item",
        get=_both(200),
        writes={"POST": _both(400)},
        touches=(*RECHECK, "providers.Evidence"),
    ),
    # The provider adds evidence it did not hold (an empty form: 400, nothing written); the lead
    # authority adds nothing to a provider's library (403 at the door).
    "quality:recheck-add": Row(
        ids="recheck",
        get=expect(providers=Own(200)),
        writes={"POST": expect(providers=Own(400))},
        touches=(*RECHECK, "providers.Evidence"),
    ),
    # An empty choice is a choice: each member's anniversary (saved, then back to the list).
    "quality:recheck-calendar": Row(
        ids="purchasing_system",
        get=expect(lead=Found(200)),
        writes={"POST": expect(lead=Found(302))},
        touches=("quality.RecheckCalendar",),
    ),
    "quality:suspension-proposal-list": Row(get=expect(lead=200)),
    "quality:suspension-proposal": Row(
        ids="suspension_proposal",
        get=expect(lead=Found(200)),
        writes={"POST": expect(lead=Found(400))},
        touches=("quality.SuspensionProposal", "providers.FpsMembership"),
    ),
    "quality:evidence-lapse-list": Row(get=expect(providers=200, lead=200)),
    "quality:evidence-lapse": Row(
        ids="evidence_lapse", get=_both(200), writes={"POST": _both(400)}, touches=LAPSE
    ),
}

API: dict[str, Row] = {
    "recheck-list": Row(get=expect(providers=200, lead=200), lists="recheck-detail"),
    "recheck-detail": Row(ids="recheck", get=_both(200)),
    "recheck-confirm": Row(
        ids="recheck", writes={"POST": expect(providers=Own(400))}, touches=RECHECK
    ),
    "recheck-change": Row(
        ids="recheck",
        writes={"POST": expect(providers=Own(400))},
        touches=(*RECHECK, "providers.Evidence"),
    ),
    "recheck-add": Row(
        ids="recheck",
        writes={"POST": expect(providers=Own(400))},
        touches=(*RECHECK, "providers.Evidence"),
    ),
    "recheck-submit": Row(
        ids="recheck", writes={"POST": expect(providers=Own(400))}, touches=RECHECK
    ),
    "recheck-review": Row(ids="recheck", writes={"POST": expect(lead=Found(400))}, touches=RECHECK),
}
