"""Smoke test in a real browser: sign-in works, and every page of a document loads with nothing on the console."""

from __future__ import annotations

import pytest

from drafting import services
from tests.browser_support import create_user_with_password, sign_in_browser

pytestmark = pytest.mark.browser


def test_user_signs_in_and_every_page_of_a_document_loads_cleanly(live_server, database, page, page_events,
                                                                  screenshot):
    services.seed(database)
    bill = services.list_documents(database, doc_type="bill")[0][0]
    ordinance = next(item for item in services.list_documents(database)[0] if item.doc_type != "bill")
    name, password = create_user_with_password(database)

    response = page.goto(f"{live_server}/")
    assert response is not None and response.ok
    assert page.url.startswith(f"{live_server}/login")  # anonymous visitors are sent to sign in
    sign_in_browser(page, live_server, name, password)
    assert "Library" in page.title()
    screenshot("library")

    for label, path in [
        ("document", f"/documents/{bill.id}"),
        ("editor", f"/documents/{bill.id}/edit"),
        ("history", f"/documents/{bill.id}/history"),
        ("compare", f"/documents/{bill.id}/compare?against={ordinance.id}"),
        ("export", f"/documents/{bill.id}/export"),
        ("import", "/import"),
        ("account", "/account"),
    ]:
        response = page.goto(live_server + path)
        assert response is not None and response.ok, f"{path} answered {response and response.status}"
        page.wait_for_load_state("networkidle")
        screenshot(label)
    assert page_events.console_errors == []
    assert page_events.dialogs == []
