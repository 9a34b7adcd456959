"""A newcomer creates an account, signs out and signs in again, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import register

pytestmark = pytest.mark.browser


def test_sign_up_sign_out_sign_in(page, check_a11y):
    page.goto("/")
    check_a11y(page)
    page.get_by_role("link", name="Create account").first.click()
    expect(page).to_have_url(re.compile(r"/register$"))
    check_a11y(page)
    register(page)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    check_a11y(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    page.get_by_role("link", name="Sign in").first.click()
    expect(page).to_have_url(re.compile(r"/login$"))
    check_a11y(page)
    page.get_by_label("Email").fill("lin@example.com")
    page.get_by_label("Password").fill("a sturdy passphrase 9")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.goto("/account")
    check_a11y(page)


def test_not_found_page_passes_axe(page, check_a11y):
    response = page.goto("/no-such-page")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    check_a11y(page)


def test_wrong_password_is_announced(page, check_a11y):
    page.goto("/login")
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_label("Password").fill("not a password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("That email and password do not match an account.")).to_be_visible()
    check_a11y(page)
