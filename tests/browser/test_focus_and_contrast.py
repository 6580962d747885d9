"""What a keyboard user sees, measured in Chromium: every control's focus ring and every
field's, check box's and radio button's edge stand out from what is around them (WCAG 2.4.7,
2.4.11, 1.4.11: at least 3:1), on the staff pages and in the youth's e-service; focus keeps its
place when a section is loaded or a confirmation is shown; the session warning never covers
the focused element; the e-service loads only its own small files and every page has an icon."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, describe
from tests.browser.test_register_pages import _login, _login_with_totp
from tests.factories import consent_make, youth_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs in the page: the colours of the focused element's ring and of its backdrop, and the
# contrast between them (WCAG's relative luminance), for the ring and for its inner ring.
MEASURE = """
(el) => {
  function rgba(text) {
    const m = text && text.match(/rgba?\\(([^)]+)\\)/);
    if (!m) { return null; }
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  }
  function lum(c) {
    const f = (v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  }
  function contrast(a, b) {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  }
  function backdrop(node) {
    for (let n = node.parentElement; n; n = n.parentElement) {
      const c = rgba(getComputedStyle(n).backgroundColor);
      if (c && c.a > 0.9) { return c; }
    }
    return {r: 255, g: 255, b: 255, a: 1};
  }
  const s = getComputedStyle(el);
  const bg = backdrop(el);
  const ring = s.outlineStyle !== "none" ? rgba(s.outlineColor) : null;
  const inner = rgba(s.boxShadow);
  const own = rgba(s.backgroundColor);
  return {
    what: el.tagName + "#" + el.id + " " + (el.textContent || "").trim().slice(0, 30),
    ringWidth: s.outlineStyle !== "none" ? parseFloat(s.outlineWidth) : 0,
    ring: ring ? contrast(ring, bg) : 0,
    inner: inner && inner.a > 0.9 ? contrast(inner, bg) : 0,
    border: rgba(s.borderTopColor) ? contrast(rgba(s.borderTopColor), bg) : 0,
    borderWidth: parseFloat(s.borderTopWidth),
    native: s.appearance === "auto" && (el.type === "radio" || el.type === "checkbox"),
  };
}
"""


def _wait(page, condition: str, seconds: float = 10) -> None:
    """Polls from here: the pages' CSP forbids the eval that page.wait_for_function uses."""
    import time

    deadline = time.monotonic() + seconds
    while not page.evaluate(f"() => Boolean({condition})"):
        assert time.monotonic() < deadline, condition
        page.wait_for_timeout(100)


def _tab_through(page, count: int) -> list[dict]:
    seen = []
    for _ in range(count):
        page.keyboard.press("Tab")
        handle = page.evaluate_handle("document.activeElement")
        if page.evaluate("(el) => el === document.body", handle):
            continue
        seen.append(page.evaluate(MEASURE, handle))
    return seen


def _assert_rings(seen: list[dict]) -> None:
    assert seen
    weak = [s for s in seen if s["ringWidth"] < 2 or max(s["ring"], s["inner"]) < 3]
    assert not weak, weak


def _assert_edges(page, selector: str) -> None:
    edges = page.eval_on_selector_all(
        selector, f"(els) => els.filter(e => e.offsetParent).map(e => ({MEASURE})(e))"
    )
    assert edges, selector
    # A check box or radio button the browser draws itself (the e-service's) has Chromium's
    # own 4.5:1 edge; every one styled by CSS is measured.
    faint = [e for e in edges if not e["native"] and (e["border"] < 3 or e["borderWidth"] < 1)]
    assert not faint, faint


def test_every_control_has_a_strong_focus_ring_and_field_edges(
    page, coordinator, coach, municipality
):
    youth = youth_make(municipality=municipality, coach=coach, first_name="Alva")
    consent_make(youth, actor=coordinator)
    _login_with_totp(page, coordinator)
    for path, fields in (
        ("/ungdomar/", True),
        (f"/ungdomar/{youth.pk}/", True),
        ("/uppsok/", False),
        ("/planer/natverksmoten/nytt/", True),
    ):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        # Bootstrap's own ring (outline 0, a faint shadow) would fail here on every field.
        _assert_rings(_tab_through(page, 40))
        if fields:
            _assert_edges(page, "main .form-control, main .form-select, main .form-check-input")
    # A field that is clicked, not tabbed to, shows the ring too.
    page.goto("/ungdomar/")
    page.get_by_label("Sök namn eller personnummer").click()
    _assert_rings([page.evaluate(MEASURE, page.evaluate_handle("document.activeElement"))])


def test_the_current_view_of_the_work_queue_stands_out(page, coach, municipality):
    _login(page, "omar")
    page.goto("/uppsok/?vy=mina")
    mine = page.get_by_role("link", name="Mina", exact=True)
    colours = mine.evaluate(
        """(el) => { const s = getComputedStyle(el);
             return [s.backgroundColor, s.color, s.fontWeight, s.textDecorationLine]; }"""
    )
    # The project's blue (8.9:1 on white, white text on it), not Bootstrap's lighter one,
    # and marked by weight and underline as well as colour.
    assert colours[0] == "rgb(29, 78, 137)"
    assert colours[1] == "rgb(255, 255, 255)"
    assert int(colours[2]) >= 600
    assert "underline" in colours[3]
    assert mine.get_attribute("aria-current") == "page"


def test_the_e_service_on_a_phone_is_small_and_clear(browser, live_server, municipality, coach):
    from outreach.eservice.services import access_code_for

    youth = youth_make(
        municipality=municipality,
        coach=coach,
        first_name="Saga",
        start_date=timezone.localdate() - dt.timedelta(days=10),
    )
    code = access_code_for(youth)
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": 375, "height": 740}
    )
    page = context.new_page()
    loaded: dict[str, int] = {}
    page.on(
        "response",
        lambda r: loaded.__setitem__(r.url.replace(live_server.url, ""), len(r.body())),
    )
    page.goto(f"/e/{code.code}/")
    page.wait_for_load_state("networkidle")
    # Only its own files: no Bootstrap, no htmx, no staff scripts (was 377 kB); and an icon.
    assert not [u for u in loaded if "bootstrap" in u or "htmx" in u or "session" in u], loaded
    assert "/static/css/eservice.css" in loaded
    assert sum(loaded.values()) < 20_000, loaded
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(icon).status == 200
    _assert_rings(_tab_through(page, 6))
    _assert_edges(page, "main .form-control")
    violations = axe_violations(page)
    assert not violations, describe(violations)
    # A wrong birth date: one error summary, focused, and the fields still there.
    page.get_by_label("Ditt födelsedatum").fill("1")
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_load_state()
    assert page.locator("#error-summary").count() == 1
    assert page.evaluate("document.activeElement.id") == "error-summary"
    page.get_by_label("Ditt födelsedatum").fill(youth.birth_date.strftime("%Y%m%d"))
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_url("**/e/svar/")
    _assert_edges(page, "main .form-control, main .form-check-input")
    _assert_rings(_tab_through(page, 12))
    violations = axe_violations(page)
    assert not violations, describe(violations)
    # Nothing runs off the side of a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


def test_focus_keeps_its_place_after_saving_and_when_a_section_loads(page, coach, municipality):
    youth = youth_make(municipality=municipality, coach=coach, first_name="Alva")
    _login(page, "omar")
    page.goto(f"/ungdomar/{youth.pk}/")
    page.wait_for_load_state("networkidle")
    # The tab's own page has its heading; the youth's page one h1 first.
    assert page.evaluate("document.querySelector('h1, h2, h3').tagName") == "H1"
    # A note saved: the confirmation is where the note is, on screen, and has focus.
    page.get_by_label("Ny anteckning").fill("Ringde, inget svar.")
    page.get_by_label("Ny anteckning").press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    confirmation = page.get_by_role("status").filter(has_text="Anteckningen är sparad.")
    _wait(page, "document.activeElement.classList.contains('messages')")
    expect(confirmation).to_be_visible()
    box = confirmation.bounding_box()
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= 900
    page.wait_for_load_state("networkidle")
    # A section htmx reloads while focus is inside it: focus goes to its heading, not <body>.
    page.locator("#uppsok a").first.focus()
    with page.expect_response(lambda r: "/uppsok/ungdom/" in r.url):
        page.evaluate(
            "htmx.ajax('GET', document.querySelector('#uppsok').getAttribute('hx-get'),"
            " {target: '#uppsok', swap: 'innerHTML'})"
        )
    _wait(page, "document.activeElement !== document.body")
    assert page.evaluate("document.activeElement.id") == "uppsok-heading"
    # The full-page views of the sections have their own h1.
    for path in (f"/uppsok/ungdom/{youth.pk}/", f"/planer/ungdom/{youth.pk}/"):
        page.goto(path)
        assert page.evaluate("document.querySelector('h1, h2, h3').tagName") == "H1"
        assert page.get_by_role("heading", level=1).inner_text() == youth.full_name


def test_the_session_warning_never_covers_the_focused_element(page, coach, settings):
    from tests.browser.test_session_warning import _server_idle

    settings.KAA_SESSION_IDLE_MINUTES = 30
    page.set_viewport_size({"width": 375, "height": 600})
    page.clock.install()
    _login(page, "omar")
    page.goto("/ungdomar/")
    page.wait_for_load_state("networkidle")
    _server_idle(28 * 60 + 1)
    page.clock.fast_forward("28:01")
    warning = page.get_by_role("alertdialog", name="Du loggas snart ut")
    warning.wait_for(state="visible")
    top = warning.bounding_box()["y"]
    # Tabbing on behind the warning: each element that takes focus is above it.
    for _ in range(25):
        page.keyboard.press("Tab")
        if page.evaluate(
            "document.activeElement === document.body"
            " || document.getElementById('session-warning').contains(document.activeElement)"
        ):
            continue
        if page.evaluate("document.activeElement.getBoundingClientRect().height") == 0:
            continue
        _wait(page, f"document.activeElement.getBoundingClientRect().bottom <= {top}", 3)
