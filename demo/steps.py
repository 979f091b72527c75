"""The demo loader runs these in order; each is idempotent."""

from collections.abc import Callable

from demo.agreement import load_agreement
from demo.contracts import load_contracts
from demo.directory import load_directory
from demo.fps import load_fps
from demo.onboarding import load_onboarding
from demo.people import load_people
from demo.placements import load_referrals
from demo.quality_concerns import load_concerns
from demo.quality_import import load_ofsted_import
from demo.quality_monitoring import load_monitoring
from demo.quality_plans import load_improvement_plans
from demo.quality_rechecks import load_rechecks
from demo.quality_visits import load_qa_visits

DEMO_STEPS: list[Callable[[], object]] = [
    load_people,
    load_fps,
    load_agreement,
    load_directory,
    load_onboarding,
    load_referrals,
    load_contracts,
    load_rechecks,
    load_ofsted_import,
    # After the Ofsted import: the visit programme's order reads its bands.
    load_qa_visits,
    load_monitoring,
    load_improvement_plans,
    load_concerns,
]
