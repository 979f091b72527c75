"""What the list benchmarks share (referrals, placements, monitoring, the visit programme): a GET
that must answer 200, the query count of one call, the walk to a list's last page, and the report
(the p50 and p95 table against the bare view of the same run, the query count at 1 row and at 50,
a deep page against the first) with its targets. Each benchmark builds its own cases and reads
its own data; the measuring is `bench.search_bench.measure`, the same for all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import unescape
from typing import Any
from urllib.parse import urlparse

from bench.search_bench import DEEP_PAGE_RATIO, P95_TARGET_MS, BenchError, measure

Call = Callable[[], object]
BARE = "bare view, one trivial query"
ANCHOR = re.compile(r"<a\s[^>]*>")
HREF = re.compile(r'href="([^"]+)"')


def page_url(name: str) -> str | None:
    """The page's path, or None while no route has that name."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def next_of_page(html: str) -> str | None:
    """The href of the page's rel="next" link (GOV.UK pagination marks its Next link so)."""
    for tag in ANCHOR.findall(html):
        if 'rel="next"' in tag and (href := HREF.search(tag)):
            return unescape(href.group(1))
    return None


def getter(client: Any) -> Callable[..., Call]:
    """`get(url, params)`: a call of the client's that raises BenchError unless it answers 200."""

    def get(url: str, params: dict[str, str] | None = None) -> Call:
        def call() -> object:
            response = client.get(url, params or {})
            if response.status_code != 200:
                raise BenchError(f"GET {url} {params or {}} answered {response.status_code}")
            return response

        return call

    return get


def queries(call: Call) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx.captured_queries)


def last_page(client: Any, url: str, *, api: bool) -> tuple[str, int]:
    """The last page's URL and the number of pages, following each page's "next" to the end."""
    pages, current = 1, f"{url}?page_size=50"
    while True:
        response = client.get(current)
        if response.status_code != 200:
            raise BenchError(f"GET {current} answered {response.status_code}")
        following = response.json().get("next") if api else next_of_page(response.content.decode())
        if not following:
            return current, pages
        parsed = urlparse(following)
        current = f"{parsed.path or url}?{parsed.query}"
        pages += 1


@dataclass
class ListCases:
    """What one benchmark measures: `cases` (label, call), the bare view first; `counted`
    (label, the call at 1 row, the call at 50) whose query counts must match; `firsts` (what,
    first page's label, deep page's label) whose p95s are compared."""

    bare: Call
    cases: list[tuple[str, Call]] = field(default_factory=list)
    counted: list[tuple[str, Call, Call]] = field(default_factory=list)
    firsts: list[tuple[str, str, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def not_yet(self, label: str, name: str) -> None:
        self.skipped.append(f"{label}: {name} does not resolve yet (no route by that name)")

    def add_list(
        self, label: str, get: Callable[..., Call], url: str, client: Any, api: bool
    ) -> None:
        """A list's first page of 50 and its last page; its query count at 1 and 50 rows."""
        try:
            deep_url, pages = last_page(client, url, api=api)
        except BenchError as exc:
            self.failures.append(f"{label}: {exc}")
            return
        first_label, deep_label = f"{label}, first page (50)", f"{label}, deep page ({pages})"
        self.cases += [(first_label, get(url, {"page_size": "50"})), (deep_label, get(deep_url))]
        self.firsts.append((label, first_label, deep_label))
        self.count(label, get, url)

    def count(self, label: str, get: Callable[..., Call], url: str, **params: str) -> None:
        self.counted.append(
            (label, get(url, {**params, "page_size": "1"}), get(url, {**params, "page_size": "50"}))
        )


def table(
    timings: dict[str, tuple[float, float]], counts: dict[str, int], failures: list[str]
) -> None:
    """The p50 and p95 of each case, its queries and its p50 against the bare view's."""
    bare_p50 = timings.get(BARE, (float("nan"), 0.0))[0]
    print(f"\n{'list':56} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'x bare':>7}")
    print("-" * 91)
    for label, (p50, p95) in timings.items():
        print(f"{label:56} {p50:8.1f} {p95:8.1f} {counts[label]:8d} {p50 / bare_p50:7.1f}")
        if label != BARE and not p95 < P95_TARGET_MS:
            failures.append(f"{label}: p95 {p95:.1f} ms >= {P95_TARGET_MS} ms")


def report(lists: ListCases, *, nothing: str) -> int:
    """Measures and prints every case, checks the targets; the exit status (1: a target missed)."""
    failures = lists.failures
    cases = [(BARE, lists.bare), *lists.cases]
    if len(cases) == 1:
        print(f"\n{nothing}")
    else:
        counts: dict[str, int] = {}
        for label, call in cases:
            try:
                counts[label] = queries(call)
            except BenchError as exc:
                failures.append(f"{label}: {exc}")
        timings = measure([(label, call) for label, call in cases if label in counts])
        table(timings, counts, failures)
        _query_counts(lists.counted, failures)
        _deep_pages(lists.firsts, timings, failures)
    return finish(failures, lists.skipped)


def _query_counts(counted: Sequence[tuple[str, Call, Call]], failures: list[str]) -> None:
    lines = []
    for label, at_one, at_fifty in counted:
        try:
            q1, q50 = queries(at_one), queries(at_fifty)
        except BenchError as exc:
            failures.append(f"query count, {label}: {exc}")
            continue
        lines.append(f"{label}: {q1} at 1 row, {q50} at 50")
        if q1 != q50:
            failures.append(f"{label}: the query count grows with the rows")
    print("\nQuery count: " + "; ".join(lines))


def _deep_pages(
    firsts: Sequence[tuple[str, str, str]],
    timings: dict[str, tuple[float, float]],
    failures: list[str],
) -> None:
    for label, first_label, deep_label in firsts:
        if first_label in timings and deep_label in timings:
            ratio = timings[deep_label][1] / timings[first_label][1]
            print(f"Deep / first page, {label} (p95): {ratio:.2f} (<= {DEEP_PAGE_RATIO})")
            if not ratio <= DEEP_PAGE_RATIO:
                failures.append(f"{label}: the deep page is {ratio:.2f} times the first")


def finish(failures: Sequence[str], skipped: Sequence[str] = ()) -> int:
    if skipped:
        print("\nSKIPPED (the list is not built yet):\n  " + "\n  ".join(skipped))
    if failures:
        print("\nMISSED TARGETS:\n  " + "\n  ".join(failures))
        return 1
    print("\nAll targets met for the lists that exist.")
    return 0
