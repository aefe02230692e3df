"""Who may open what in the workspace: every role against every route, another IRO's child,
forged form tokens, and visitors who are not signed in."""

from __future__ import annotations

import re

import pytest

from bot.web.staff.routes import ROUTES
from tests.web.conftest import Site

ROLES = {"iro1": "iro", "manager1": "manager", "admin1": "admin"}
# What fills each route's parts: the first IRO's child, and ids nothing has.
PARTS = {
    "case_ref": "C001",
    "flag_id": "999",
    "request_id": "999",
    "username": "nobody",
    "token": "not-a-link",
    "suffix": "csv",
}
SIGNED = [route for route in ROUTES if route.roles is not None]


def path_of(template: str) -> str:
    return "/staff" + re.sub(r"\{(\w+)\}", lambda found: PARTS[found.group(1)], template)


def test_every_route_says_who_may_use_it() -> None:
    names = [route.name for route in ROUTES]
    assert len(names) == len(set(names))
    public = {route.name for route in ROUTES if route.roles is None}
    assert public == {"sign_in", "sign_in_post", "signed_out"}
    for route in SIGNED:
        assert route.roles and set(route.roles) <= set(ROLES.values()), route.name


@pytest.mark.parametrize("username", sorted(ROLES))
async def test_each_role_opens_exactly_its_routes(site: Site, username: str) -> None:
    """A role a route does not name gets 403; one it names gets past the gate."""
    role = ROLES[username]
    outcomes = {}
    for route in SIGNED:
        await site.sign_in_as(username)  # afresh: a route may sign out or end the session
        path = path_of(route.path)
        if route.method == "GET":
            response = await site.client.get(path, allow_redirects=False)
        else:
            response = await site.post(path)
        outcomes[route.name] = response.status
    refused = {name for name, status in outcomes.items() if status == 403}
    expected = {route.name for route in SIGNED if role not in (route.roles or ())}
    assert refused == expected, outcomes
    assert all(status < 500 for status in outcomes.values()), outcomes


async def test_nobody_signed_in_is_sent_to_sign_in(site: Site) -> None:
    for route in SIGNED:
        path = path_of(route.path)
        if route.method == "GET":
            response = await site.client.get(path, allow_redirects=False)
            assert response.status == 303, route.name
            assert response.headers["Location"] == "/staff/signed-out"
        else:
            response = await site.post(path)
            assert response.status == 401, route.name


CHILD_ROUTES = [route for route in SIGNED if "{case_ref}" in route.path]


@pytest.mark.parametrize("username", ["iro1", "manager1"])
async def test_another_iros_child_is_not_found_for_an_iro(site: Site, username: str) -> None:
    """iro1 may not open iro2's child C002, whatever the page; a manager may."""
    await site.sign_in_as(username)
    for route in CHILD_ROUTES:
        path = path_of(route.path).replace("C001", "C002")
        if route.method == "GET":
            response = await site.client.get(path, allow_redirects=False)
        else:
            response = await site.post(path, {"role": "child"})
        if username == "iro1":
            assert response.status == 404, (route.name, response.status)
            assert "C002" not in await response.text() or route.method == "GET"
        else:
            assert response.status != 404, (route.name, response.status)


async def test_an_unknown_child_reads_as_another_iros(site: Site) -> None:
    await site.sign_in_as("iro1")
    unknown = await site.client.get("/staff/children/NOPE-1")
    theirs = await site.client.get("/staff/children/C002")
    assert unknown.status == theirs.status == 404
    assert (await unknown.text()).replace("NOPE-1", "X") == (await theirs.text()).replace(
        "C002", "X"
    )


@pytest.mark.parametrize("token", [None, "", "0" * 64])
async def test_every_form_refuses_a_missing_or_forged_token(site: Site, token: str | None) -> None:
    await site.sign_in_as("iro1")
    for route in [route for route in ROUTES if route.method == "POST"]:
        data = {} if token is None else {"csrf_token": token}
        response = await site.client.post(path_of(route.path), data=data, allow_redirects=False)
        assert response.status == 403, route.name
        assert "form has expired" in await response.text()


async def test_the_read_audit_and_receipt_need_the_childs_own_iro(site: Site) -> None:
    """A manager reading a child's views is audited, but sends the child no receipt."""
    await site.sign_in_as("manager1")
    assert (await site.client.get("/staff/children/C001")).status == 200
    async with site.services.uow() as uow:
        reads = await uow.audit.list("report_record_generated")
        manager = await uow.staff.by_username("manager1")
        assert manager is not None
        assert [event.actor for event in reads] == [f"staff:{manager.id}"]
