"""A scenario with flags, variants, routes and shuffled choices, played in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import register, sign_in

pytestmark = pytest.mark.browser

PATH = "/scenarios/fixture-routes"


def choices(page):
    return page.locator(".choices button")


def choice_names(page, offered: str) -> list[str]:
    """The choices in the order shown, once the step that offers ``offered`` has loaded.

    all_inner_texts() does not wait: read too early, it sees the last page or none.
    """
    expect(page.get_by_role("button", name=offered, exact=True)).to_be_visible()
    page.wait_for_load_state()
    return choices(page).all_inner_texts()


def test_flags_variants_and_a_route_to_each_ending(browser, live_server, check_a11y):
    # At phone width: every page must read without scrolling sideways.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 740})
    page = context.new_page()
    register(page)
    endings = {
        "A full-time offer": (["Measure usage", "Share the findings", "Tell the story"], "Passed"),
        "A quiet success": (
            [
                "Measure usage",
                "Share the findings",
                "Read every slide aloud, word for word, to the room",
            ],
            "Passed",
        ),
        "A dented launch": (
            [
                "Go with the hunch the team has had for weeks",
                "Keep the findings to yourself",
                "Tell the story",
            ],
            "Not passed",
        ),
    }
    for title, (picks, verdict) in endings.items():
        page.goto(PATH)
        page.get_by_role("button", name=re.compile("^Start")).click()
        for choice in picks:
            # Each choice is offered on one step only: seeing it means that step has arrived.
            expect(page.get_by_role("button", name=choice, exact=True)).to_be_visible()
            check_a11y(page)
            assert page.evaluate("document.documentElement.scrollWidth") <= 375
            page.get_by_role("button", name=choice, exact=True).click()
            if choice == "Measure usage":
                # The rating in words, the feedback, then the story that reacts to the flag.
                expect(page.get_by_text("Good choice")).to_be_visible()
                expect(page.get_by_text("Numbers first.")).to_be_visible()
                expect(page.get_by_text("Your numbers show where users drop off.")).to_be_visible()
            if choice.startswith("Go with the hunch"):
                expect(page.get_by_text("Costly choice")).to_be_visible()
                expect(page.get_by_text("Without numbers, the room will argue")).to_be_visible()
        expect(page.get_by_role("heading", name=title)).to_be_visible()
        expect(page.get_by_text(verdict, exact=False).first).to_be_visible()
        expect(page.get_by_role("heading", name="Your path beside the best path")).to_be_visible()
        page.wait_for_load_state()  # laid out with its stylesheet before it is measured
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        check_a11y(page)
    # The shared-flag variant of the quiet ending was the one shown.
    page.goto(PATH)
    page.get_by_role("link", name="Run 2").click()
    expect(page.get_by_text("the team thanks you for sharing early")).to_be_visible()
    check_a11y(page)
    context.close()


def test_shuffled_choices_differ_by_run_and_hold_on_reload_and_elsewhere(
    browser, live_server, check_a11y
):
    first = browser.new_context(base_url=live_server.url)
    page = first.new_page()
    register(page, email="shuffle@example.com")
    orders = []
    for _run in range(6):
        page.goto(PATH)
        page.get_by_role("button", name=re.compile("^Start")).click()
        shown = []
        for choice in ("Go with the hunch the team has had for weeks", "Share the findings"):
            names = choice_names(page, offered=choice)
            page.reload()
            expect(choices(page)).to_have_text(names, use_inner_text=True)
            shown.append(tuple(names))
            page.get_by_role("button", name=choice, exact=True).click()
        names = choice_names(page, offered="Tell the story")
        # A second browser, signed in as the same learner, sees the same order.
        second = browser.new_context(base_url=live_server.url)
        other = second.new_page()
        sign_in(other, "shuffle@example.com")
        other.goto(PATH)
        expect(choices(other)).to_have_text(names, use_inner_text=True)
        check_a11y(other)
        second.close()
        shown.append(tuple(names))
        orders.append(tuple(shown))
        page.get_by_role("button", name="Tell the story", exact=True).click()
        expect(page.get_by_role("heading", name="A dented launch")).to_be_visible()
    # Six runs drawing the same three orders: a chance of one in 32,768.
    assert len(set(orders)) > 1
    first.close()
