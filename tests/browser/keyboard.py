"""Keyboard-only helpers for the browser journeys: Tab, Shift+Tab, Enter and Space, with a check
that the focused element shows GOV.UK's focus state wherever focus lands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

FocusedElement = dict[str, str]

_ACTIVE = """() => {
    const el = document.activeElement;
    // GOV.UK radios and checkboxes hide the input and draw its focus on the label's ::before.
    const drawnOnLabel = el.matches('.govuk-radios__input, .govuk-checkboxes__input');
    const style = drawnOnLabel
        ? getComputedStyle(el.nextElementSibling, '::before') : getComputedStyle(el);
    // GOV.UK's focus state is its focus colour, #ffdd00: as the background (links, buttons),
    // an outline (fields, regions) or a box shadow (radios). Buttons always have a shadow and
    // keep a transparent outline for forced-colour modes, so neither counts on its own.
    const focusColour = 'rgb(255, 221, 0)';
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2
        && style.outlineColor === focusColour;
    const visible = outline || style.boxShadow.includes(focusColour)
        || style.backgroundColor === focusColour;
    const box = el.getBoundingClientRect();
    return {
        tag: el.tagName, id: el.id, name: el.getAttribute('name') || '',
        type: el.getAttribute('type') || '', role: el.getAttribute('role') || '',
        text: (el.innerText || el.value || '').trim(), cls: String(el.className || ''),
        visible: String(visible),
        inView: String(box.bottom > 0 && box.top < window.innerHeight && box.width > 0),
    };
}"""


def active(page: Any) -> FocusedElement:
    return page.evaluate(_ACTIVE)


def assert_focus_visible(page: Any) -> FocusedElement:
    """The focused element is on screen and styled as focused (WCAG 2.4.7 and 2.4.11)."""
    element = active(page)
    assert element["tag"] != "BODY", "focus was lost to the page body"
    assert element["visible"] == "true", f"no visible focus state on {element}"
    assert element["inView"] == "true", f"the focused element is off screen: {element}"
    return element


def tab_until(
    page: Any, found: Callable[[FocusedElement], bool], limit: int = 60
) -> FocusedElement:
    """Press Tab until `found` holds for the focused element, checking each stop on the way
    shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = active(page)
        if element["tag"] != "BODY":
            assert_focus_visible(page)
        if found(element):
            return element
    raise AssertionError(f"not reachable with Tab (stopped at {active(page)})")


def link_named(text: str) -> Callable[[FocusedElement], bool]:
    return lambda el: el["tag"] == "A" and el["text"] == text


def button_named(text: str) -> Callable[[FocusedElement], bool]:
    return lambda el: el["tag"] == "BUTTON" and el["text"] == text


def with_id(element_id: str) -> Callable[[FocusedElement], bool]:
    return lambda el: el["id"] == element_id


def press_and_wait(page: Any, key: str) -> None:
    """Press a key that follows a link or sends a form, and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def skip_to_main(page: Any) -> None:
    page.keyboard.press("Tab")
    assert active(page)["text"] == "Skip to main content"
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    assert active(page)["id"] == "main-content"


def wait_for_error_summary_focus(page: Any) -> None:
    page.wait_for_function("() => document.activeElement.classList.contains('govuk-error-summary')")
