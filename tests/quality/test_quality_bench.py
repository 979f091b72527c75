"""The visit programme benchmark (bench/quality_bench.py) measures a QA officer of the authority
with the most active placements and compares the query count with the quietest authority's."""

from __future__ import annotations

import pytest

from bench import quality_bench
from bench.lists import page_url
from tests.quality.visit_world import add_setting, build, place

pytestmark = pytest.mark.django_db


def test_the_busiest_authority_comes_first_and_its_qa_officer_is_made_once() -> None:
    w = build(settings=2)
    place(w, add_setting(w), who=w.knowsley)
    ranked = quality_bench.authorities_by_active_placements()
    assert [a.name for a in ranked] == ["Sefton", "Knowsley"]
    first = quality_bench.qa_officer(ranked[0])
    assert quality_bench.qa_officer(ranked[0]) == first
    assert page_url(quality_bench.PAGE) == "/quality/visit-programme/"
