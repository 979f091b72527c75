"""The accessibility gate: axe-core in Chromium, held to WCAG 2.2 AA (rule sets wcag2a, wcag2aa,
wcag21a, wcag21aa, wcag22aa), on every page of the portal for every role that can open it, at
1280 px and at 320 px (where the page must also reflow without scrolling sideways), including each
form sent empty and the error pages. The table of pages is tests/browser/pages.py."""

from __future__ import annotations

from hashlib import sha256
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.urls import resolve

from tests.browser.axe import axe_violations
from tests.browser.pages import (
    ERROR_PAGES,
    MAIN_FORM,
    NOT_PAGES,
    PAGES,
    PASSWORD_ONLY,
    PERSONAS,
    World,
    build_world,
    other_states,
    page_route_names,
    url_of,
)
from tests.browser.sessions import signed_in_client

WIDTHS = (1280, 320)
TEMPLATES = Path(django_settings.BASE_DIR) / "templates"
# Templates that are not pages: emails, and the signed-out page LOGOUT_REDIRECT_URL bypasses.
NOT_PAGE_TEMPLATES = {
    "registration/password_reset_email.html",
    "registration/password_reset_subject.txt",
    "registration/logged_out.html",
    # Notification subjects and bodies (plain text, stored and e-mailed; rendered by notify()).
    *(str(p.relative_to(TEMPLATES)) for p in (TEMPLATES / "notifications").glob("*.txt")),
    # The PDFs' own documents (WeasyPrint renders them in a worker; tests/contracts/test_pdfs.py
    # checks their PDF/UA tagging), and the line a PDF's download route shows while the worker
    # renders it (tests/contracts/test_pdf_downloads.py; the route streams a file once it has).
    *(str(p.relative_to(TEMPLATES)) for p in (TEMPLATES / "contracts" / "pdf").glob("*.html")),
    "contracts/pdf_pending.html",
    # Quality's PDF documents (the letter of escalation, the QA visit report: their tests check
    # the tags) and the visit report's download route's line while the worker renders it.
    *(str(p.relative_to(TEMPLATES)) for p in (TEMPLATES / "quality" / "pdf").glob("*.html")),
    "quality/visit_report_pending.html",
}
ERROR_SUMMARY = ".govuk-error-summary"


def test_every_page_route_has_a_row_and_every_row_a_route() -> None:
    routes = set(page_route_names())
    missing = sorted(routes - PAGES.keys() - NOT_PAGES.keys())
    assert not missing, f"add these routes to tests/browser/pages.py: {missing}"
    assert sorted((PAGES.keys() | NOT_PAGES.keys()) - routes) == []


def _route_name(path: str) -> str:
    match = resolve(path)
    return f"{match.namespace}:{match.url_name}" if match.namespace else str(match.url_name)


@pytest.mark.django_db
def test_the_table_names_exactly_who_can_open_each_page_and_reaches_every_template(
    settings: Any,
) -> None:
    """Each page answers 200 to the roles in its row and to no one else (so the browser gate
    misses no role), its forms sent empty answer with errors, and between them the pages render
    every template in templates/."""
    settings.ROOT_URLCONF = "tests.browser.urls"
    world = build_world()
    wrong: list[str] = []
    rendered: set[str] = set()
    for persona in PERSONAS:
        client = signed_in_client(
            world.users.get(persona), second_factor=persona not in PASSWORD_ONLY
        )
        for name, page in PAGES.items():
            url = url_of(name, world, persona)
            response = client.get(url, follow=True)
            # A redirect elsewhere (to sign in, to the dashboard) is not reaching the page.
            final = response.request["PATH_INFO"]
            reached = response.status_code == 200 and _route_name(final) == name
            if reached != (persona in page.roles):
                wrong.append(f"{persona} GET {url} ({name}): {response.status_code} at {final}")
                continue
            if not reached:
                continue
            url = final
            rendered.update(t.name for t in response.templates if t.name)
            for other in other_states(name, world, persona):
                state = client.get(other)
                if state.status_code != 200:
                    wrong.append(f"{persona} GET {other} ({name}): {state.status_code}")
                rendered.update(t.name for t in state.templates if t.name)
            if MAIN_FORM in page.forms:  # the form that posts to the page itself
                # A browser always sends the CSRF token; a POST with nothing at all reads as a GET.
                sent = client.post(url, {"csrfmiddlewaretoken": "unchecked-by-the-test-client"})
                if b"govuk-error-summary" not in sent.content:
                    wrong.append(f"{persona} POST {url} empty: {sent.status_code}, no errors")
                rendered.update(t.name for t in sent.templates if t.name)
        for error in (e for e in ERROR_PAGES if e.persona == persona):
            response = client.get(error.path)
            names = {t.name for t in response.templates if t.name}
            if response.status_code != error.status or error.template not in names:
                wrong.append(f"{error.name}: {response.status_code} with {sorted(names)}")
            rendered.update(names)
    if wrong:
        pytest.fail("\n".join(wrong))
    templates = {str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*") if p.is_file()}
    assert sorted(templates - rendered - NOT_PAGE_TEMPLATES) == []


def _reflow_problems(page: Any) -> list[str]:
    """WCAG 1.4.10: at 320 px no content makes the page itself scroll sideways. A table may
    scroll inside its own region; text only a screen reader reads (govuk-visually-hidden, 1 px
    and clipped) needs no scrolling to be read, so it does not count."""
    overflowing = page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            if (document.documentElement.scrollWidth <= width) return [];
            const scrollsInside = el => {
                for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
                    if (getComputedStyle(up).overflowX !== 'visible') return true;
                }
                return false;
            };
            return [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > width + 1)
                .filter(el => !el.closest('.govuk-visually-hidden') && !scrollsInside(el))
                .filter(el => ![...el.children].some(
                    child => child.getBoundingClientRect().right > width + 1))
                .slice(0, 5)
                .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                     + (el.className ? '.' + String(el.className).split(' ').join('.') : ''));
        }"""
    )
    problems = [f"reflow: wider than 320 px: {', '.join(overflowing)}"] if overflowing else []
    # And without exception: nothing, a table's own scrolling region included, makes the page
    # wider than the window (tables stack into cards on a phone instead).
    used, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if used > window:
        problems.append(f"reflow: the page is {used} px wide in a {window} px window")
    return problems


def _current_navigation_problems(page: Any) -> list[str]:
    """The service navigation marks exactly one item as the current page's section (none on a
    page outside them all, like the accessibility statement), in its class and aria-current."""
    current = page.evaluate(
        """() => [...document.querySelectorAll('.govuk-service-navigation__item')]
            .filter(item => item.classList.contains('govuk-service-navigation__item--active')
                || item.querySelector('[aria-current]'))
            .map(item => item.innerText.trim())"""
    )
    return (
        [f"navigation: {len(current)} items marked current: {current}"] if len(current) > 1 else []
    )


_PARTS = """() => {
    const copy = document.documentElement.cloneNode(true);
    copy.querySelectorAll('[name=csrfmiddlewaretoken]').forEach(el => el.removeAttribute('value'));
    const header = copy.querySelector('body > header');
    const headerHtml = header ? header.outerHTML : '';
    if (header) header.remove();
    return [headerHtml, copy.outerHTML];
}"""


class Gate:
    """Checks the page in view at each width and keeps what fails, so one run reports every
    problem on every page rather than the first.

    A page everyone may open (the accessibility statement, the forum's directory) differs between
    personas only in the header. axe's rules judge elements where they are, so once a header and
    a rest of the page (title, main content, footer) have each been checked at a width, the same
    pair is not run through axe again; the reflow check, which is cheap, always runs."""

    def __init__(self, page: Any = None) -> None:
        self.page = page
        self.problems: dict[str, list[str]] = {}
        self.seen: set[tuple[int, str]] = set()
        self.runs = self.skipped = 0

    def check(self, label: str) -> None:
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 900})
            parts = {
                (width, sha256(part.encode()).hexdigest()) for part in self.page.evaluate(_PARTS)
            }
            if parts <= self.seen:
                self.skipped += 1
                found = []
            else:
                found = axe_violations(self.page)
                self.runs += 1
                self.seen |= parts
            if width == 320:
                found += _reflow_problems(self.page)
            else:
                found += _current_navigation_problems(self.page)
            if found:
                self.problems[f"{label} at {width} px"] = found
        self.page.set_viewport_size({"width": WIDTHS[0], "height": 900})

    def report(self) -> str:
        return self.describe(self.problems)

    @staticmethod
    def describe(problems: dict[str, list[str]]) -> str:
        return "\n".join(
            f"{label}:\n" + "\n".join(f"  - {line}" for line in lines)
            for label, lines in problems.items()
        )


def _visit(page: Any, base_url: str, path: str, status: int) -> None:
    response = page.goto(base_url + path)
    assert response is not None and response.status == status, (path, response and response.status)


def _send_empty(page: Any, form: str) -> list[str]:
    """Clear the form's fields (a choice made for the user too), send it, and return what is
    wrong with the answer: it must show the error summary and move focus to it."""
    fields = page.locator(form)
    fields.evaluate(
        """form => form.querySelectorAll('input, textarea').forEach(field => {
            if (field.type === 'checkbox' || field.type === 'radio') field.checked = false;
            else if (!['hidden', 'submit', 'button'].includes(field.type)) field.value = '';
        })"""
    )
    button = fields.locator("button[type=submit], button:not([type]), input[type=submit]")
    with page.expect_navigation():
        button.first.click()
    if page.locator(ERROR_SUMMARY).count() != 1:
        return [f"no error summary after sending it empty (now at {page.url})"]
    # GOV.UK Frontend moves focus to the summary, so it is what a screen reader reads first.
    try:
        page.wait_for_function(
            "() => document.activeElement.classList.contains('govuk-error-summary')",
            timeout=5_000,
        )
    except Exception:  # Playwright's TimeoutError
        return ["the error summary does not take focus"]
    return []


def _check_every_page_as(persona: str, world: World, page: Any, base_url: str, gate: Gate) -> None:
    for name, row in PAGES.items():
        if persona not in row.roles:
            continue
        url = url_of(name, world, persona)
        _visit(page, base_url, url, 200)
        if row.ready:
            # The API documentation builds its schema on request: seconds on a busy machine.
            page.locator(row.ready).first.wait_for(timeout=60_000)
        gate.check(f"{persona}: {name} ({url})")
        for other in other_states(name, world, persona):
            _visit(page, base_url, other, 200)
            gate.check(f"{persona}: {name} ({other})")
        for index, form in enumerate(row.forms):
            if index or row.also or row.also_queries:  # sent from the page just checked
                _visit(page, base_url, url, 200)
            label = f"{persona}: {name} ({url}) sent empty: {form}"
            if wrong := _send_empty(page, form):
                gate.problems[label] = wrong
            gate.check(label)
    for error in (e for e in ERROR_PAGES if e.persona == persona):
        _visit(page, base_url, error.path, error.status)
        if error.status == 400 and page.locator(ERROR_SUMMARY).count() != 1:
            gate.problems[f"{persona}: {error.name}"] = ["no error summary"]
        gate.check(f"{persona}: {error.name}")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_page_meets_wcag_22_aa_at_1280_and_320_px_for_everyone_who_can_open_it(
    open_signed_in: Any, live_server: Any, settings: Any
) -> None:
    """One world and one browser for the whole gate (building the world is the slow part), and
    one signed-in context per persona; every problem on every page is reported at once."""
    settings.ROOT_URLCONF = "tests.browser.urls"
    world = build_world()
    gate = Gate()
    for persona in PERSONAS:
        gate.page = open_signed_in(
            world.users.get(persona), second_factor=persona not in PASSWORD_ONLY
        ).new_page()
        gate.page.set_default_timeout(15_000)
        _check_every_page_as(persona, world, gate.page, live_server.url, gate)
        gate.page.context.close()
    print(f"axe ran {gate.runs} times; {gate.skipped} pages repeated a checked header and body")
    assert gate.runs > gate.skipped
    assert not gate.problems, "\n" + gate.report()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_gate_finds_a_violation_when_there_is_one(
    open_signed_in: Any, live_server: Any
) -> None:
    """The gate is only as good as its detector: an image without a text alternative, a field
    without a label and a page wider than 320 px are all reported."""
    page = open_signed_in().new_page()
    _visit(page, live_server.url, "/accessibility/", 200)
    page.evaluate(
        """() => {
            const main = document.querySelector('main');
            main.insertAdjacentHTML('beforeend',
                '<img src="/static/images/favicon.svg"><input type="text" name="unlabelled">'
                + '<div id="wide">wide</div>');
            // A style attribute would be refused by the CSP; the CSS object model is not.
            document.getElementById('wide').style.width = '900px';
        }"""
    )
    gate = Gate(page)
    gate.check("broken page")
    found = "\n".join(gate.report().splitlines())
    assert "image-alt" in found and "label" in found and "reflow" in found, found
