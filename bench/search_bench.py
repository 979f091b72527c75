"""Find a setting at regional scale: p50/p95 server time and query counts on PostgreSQL.

Run with `make bench` (DATABASE_URL points at a PostgreSQL database, `fps_bench` by default, that
this script creates if missing, migrates, and fills with `build_large_demo`). Each search goes
through the real URL, middleware and view with Django's test client, in-process, many times; a
bare view running one trivial query is measured the same way, so the ratio shows what the search
itself costs over the framework. Targets: every search p95 < 50 ms; the same query count at 1
result and at 50; a deep page no slower than 1.5 times the first.
"""

from __future__ import annotations

import gc
import math
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fps_portal.settings.test")

ITERATIONS = int(os.environ.get("BENCH_ITERATIONS", "60"))
WARMUP = 5
P95_TARGET_MS = 50.0
DEEP_PAGE_RATIO = 1.5


class BenchError(Exception):
    """A benchmarked request did not answer 200: reported as a missed target."""


def ensure_database() -> None:
    """Creates the benchmark database on the server named by DATABASE_URL if it is missing."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://.../fps_bench")
    import psycopg2

    parsed = urlparse(url)
    name = parsed.path.lstrip("/") or "fps_bench"
    admin = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def bare(request):
    """The floor: one trivial query through the same middleware."""
    from django.db import connection
    from django.http import HttpResponse

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok")


def _urlpatterns() -> list[object]:
    from django.urls import include, path

    return [path("bench/bare/", bare), path("", include("fps_portal.urls"))]


urlpatterns: list[object] = []


def measure(cases: list[tuple[str, Callable[[], object]]]) -> dict[str, tuple[float, float]]:
    """p50 and p95 in ms of each case, measured in interleaved rounds.

    Each round runs every case once, in a shuffled order: whatever else the machine does while
    the benchmark runs (a CI job, a browser test) then falls on all cases alike instead of on
    whichever case happened to be running, so the ratios (deep page / first page, search / bare
    view) compare like with like.
    """
    for _ in range(WARMUP):
        for _, call in cases:
            call()
    # Start from a clean heap, so the warm-up's garbage is not collected in the timings, and
    # freeze what start-up made, as fps_portal/wsgi.py does in the real server; collections
    # caused by the cases themselves still count.
    gc.collect()
    gc.freeze()
    order = random.Random(2026)
    times: dict[str, list[float]] = {label: [] for label, _ in cases}
    for _ in range(ITERATIONS):
        shuffled = list(cases)
        order.shuffle(shuffled)
        for label, call in shuffled:
            started = time.perf_counter()
            call()
            times[label].append((time.perf_counter() - started) * 1000)
    results = {}
    for label, samples in times.items():
        samples.sort()
        p95 = samples[min(len(samples) - 1, round(0.95 * len(samples)) - 1)]
        results[label] = (statistics.median(samples), p95)
    return results


def past_the_second_factor(client: object, user: object) -> None:
    """What a correct code does: the session records a confirmed authenticator app (an
    authority's user reaches nothing but the sign-in steps without one)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Benchmark's app", confirmed=True)
    session = client.session  # type: ignore[attr-defined]
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def main() -> int:
    ensure_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    global urlpatterns
    urlpatterns = _urlpatterns()

    call_command("migrate", verbosity=0, interactive=False)
    from demo.large import build_large_demo, large_demo_exists
    from demo.people import load_people

    if not large_demo_exists():
        started = time.monotonic()
        load_people()
        made = build_large_demo()
        print(f"Built the large data set {made} in {time.monotonic() - started:.1f}s")
    from fps_portal.accounts.models import Membership, Organisation, Role, User
    from providers.models import Setting

    user, _ = User.objects.get_or_create(
        email="bench@sefton.example", defaults={"full_name": "Bench Commissioner"}
    )
    Membership.objects.get_or_create(
        user=user,
        organisation=Organisation.objects.get(kind="authority", name="Sefton"),
        role=Role.COMMISSIONER,
    )
    print(
        f"Settings: {Setting.objects.count()}; "
        f"database: {connection.vendor} {connection.settings_dict['NAME']}"
    )

    with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"], DEBUG=False):
        settings.CELERY_TASK_ALWAYS_EAGER = True
        client = Client()
        client.force_login(user)
        past_the_second_factor(client, user)

        def get(url: str, params: dict[str, str] | None = None) -> Callable[[], object]:
            def call() -> object:
                response = client.get(url, params or {})
                if response.status_code != 200:
                    raise BenchError(f"GET {url} {params or {}} answered {response.status_code}")
                return response

            return call

        def queries(call: Callable[[], object]) -> int:
            with CaptureQueriesContext(connection) as ctx:
                call()
            return len(ctx.captured_queries)

        page, api = "/find-a-setting/", "/api/v1/settings/"
        # Walk the API's pages to the last one: its cursor is the deep page.
        cursor_url = client.get(api, {"page_size": "50"}).json()["next"]
        deep_pages, last_cursor = 1, ""
        while cursor_url:
            deep_pages += 1
            last_cursor = parse_qs(urlparse(cursor_url).query)["cursor"][0]
            cursor_url = client.get(api, {"page_size": "50", "cursor": last_cursor}).json()["next"]
        one = {"postcode": "M2 5DB", "radius_miles": "40", "ordering": "distance"}
        combined = {
            "lot": "A1",
            "specialism": "communication-and-interaction",
            "age": "11",
            "has_vacancies": "true",
            "postcode": "M2 5DB",
            "radius_miles": "30",
        }
        cases: list[tuple[str, Callable[[], object]]] = [
            ("bare view, one trivial query", get("/bench/bare/")),
            ("page: no filter", get(page)),
            ("page: lot", get(page, {"lot": "A1"})),
            ("page: specialism", get(page, {"specialism": "semh"})),
            ("page: need", get(page, {"need": "ASD"})),
            ("page: host authority", get(page, {"host_authority": "E08000014"})),
            ("page: age", get(page, {"age": "12"})),
            ("page: gender", get(page, {"gender": "girls"})),
            ("page: max weekly price", get(page, {"max_weekly_price": "3000"})),
            ("page: band", get(page, {"band": "pass"})),
            ("page: has vacancies", get(page, {"has_vacancies": "true"})),
            ("page: residential", get(page, {"residential": "true"})),
            ("page: sort by price", get(page, {"ordering": "price"})),
            ("page: sort by band", get(page, {"ordering": "band"})),
            (
                "page: distance from postcode, 25 miles",
                get(page, {"postcode": "L20 3AB", "radius_miles": "25"}),
            ),
            (
                "page: distance from authority, 20 miles",
                get(page, {"authority": "E06000049", "radius_miles": "20"}),
            ),
            ("page: five filters combined", get(page, {k: v for k, v in combined.items()})),
            ("api: no filter", get(api)),
            ("api: five filters combined", get(api, combined)),
            (
                "api: distance, 25 miles, by price",
                get(api, {"postcode": "L20 3AB", "radius_miles": "25", "ordering": "price"}),
            ),
            ("api: first page (50)", get(api, {"page_size": "50"})),
            (
                f"api: deep page ({deep_pages} of {deep_pages})",
                get(api, {"page_size": "50", "cursor": last_cursor}),
            ),
            (f"page: deep page ({deep_pages} of {deep_pages})", get(page, {"cursor": last_cursor})),
        ]
        rows: list[tuple[str, float, float, int]] = []
        failures: list[str] = []
        counted_queries: dict[str, int] = {}
        for label, call in cases:
            try:
                counted_queries[label] = queries(call)
            except BenchError as exc:  # left out of the timings, reported as a missed target
                failures.append(f"{label}: {exc}")
        timings = measure([(label, call) for label, call in cases if label in counted_queries])
        bare_p50, bare_p95 = timings["bare view, one trivial query"]
        for label, _ in cases:
            p50, p95 = timings.get(label, (math.nan, math.nan))
            rows.append((label, p50, p95, counted_queries.get(label, -1)))

        print()
        print(f"{'search':48} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'x bare p50':>11}")
        print("-" * 87)
        for label, p50, p95, n in rows:
            print(f"{label:48} {p50:8.1f} {p95:8.1f} {n:8d} {p50 / bare_p50:11.1f}")
            if not label.startswith("bare") and label in timings and not p95 < P95_TARGET_MS:
                failures.append(f"{label}: p95 {p95:.1f} ms >= {P95_TARGET_MS} ms")
        print(
            f"(bare view p95 {bare_p95:.1f} ms; {ITERATIONS} interleaved rounds after {WARMUP} "
            "warm-up rounds)"
        )

        # The same search showing 1 result and 50: the count must not depend on the rows shown.
        counted = {
            "distance search": {**one},
            "no filter": {},
            "lot, by price": {"lot": "A1", "ordering": "price"},
        }
        counts = []
        for what, params in counted.items():
            for where, url in (("page", page), ("API", api)):
                try:
                    q1 = queries(get(url, {**params, "page_size": "1"}))
                    q50 = queries(get(url, {**params, "page_size": "50"}))
                except BenchError as exc:
                    failures.append(f"query count, {where}, {what}: {exc}")
                    continue
                counts.append(f"{where}, {what}: {q1} at 1 result, {q50} at 50")
                if q1 != q50:
                    failures.append(f"{where}, {what}: the query count grows with the results")
        print("\nQuery count: " + "; ".join(counts))

        def p95_of(prefix: str) -> float:
            return next((r[2] for r in rows if r[0].startswith(prefix)), math.nan)

        for where, first_label, deep_label in (
            ("API", "api: first page (50)", "api: deep page"),
            ("page", "page: no filter", "page: deep page"),
        ):
            ratio = p95_of(deep_label) / p95_of(first_label)
            print(
                f"Deep page / first page, {where} (p95): {ratio:.2f} (target <= {DEEP_PAGE_RATIO})"
            )
            if not ratio <= DEEP_PAGE_RATIO:
                failures.append(
                    f"{where}: the deep page is more than {DEEP_PAGE_RATIO} times slower than the "
                    "first"
                )
    if failures:
        print("\nMISSED TARGETS:\n  " + "\n  ".join(failures))
        return 1
    print("\nAll targets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
