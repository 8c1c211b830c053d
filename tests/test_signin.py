"""Sign-in through a real OpenID Connect provider (oidc-provider-mock, started here) in a real
browser: a signed-out visitor sees only the sign-in page; each user reads with the access groups
of their identity token, and the audit trail records who asked and which spans were shown."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.audit import AuditLog
from assistant.settings import PROJECT_ROOT, Settings
from tests.test_access import QUESTION, SECRET_BITS, grouped  # noqa: F401  (the corpus fixture)
from tests.test_browser import ARTIFACTS, CHROMIUM, _free_port, _require

pytestmark = pytest.mark.slow
USERS = {"jana": ["asylum"], "petr": ["legal"], "olga": []}  # olga: groups from the access file


def _wait(url: str, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(240):
        assert proc.poll() is None, f"{url}: the server exited"
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not come up")


@pytest.fixture(scope="module")
def signed_app(grouped: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:  # noqa: F811
    folder = tmp_path_factory.mktemp("signin")
    idp, app = _free_port(), _free_port()
    claims = [
        json.dumps({"sub": u, "email": f"{u}@example.org", **({"groups": g} if g else {})})
        for u, g in USERS.items()
    ]
    access = folder / "access.json"
    access.write_text('{"users": {"olga@example.org": ["asylum"]}}', encoding="utf-8")
    provider = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--port", str(idp),
         *(a for c in claims for a in ("--user-claims", c))],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{app}/oauth2callback"\n'
        'cookie_secret = "a-cookie-secret-only-for-this-test"\n'
        'client_id = "pp-assistant"\nclient_secret = "pp-test-secret"\n'
        f'server_metadata_url = "http://127.0.0.1:{idp}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "PP_SIGN_IN": "1",
        "PP_STORE_DIR": str(grouped.store_dir),
        "PP_CORPUS_DIR": str(grouped.corpus_dir),
        "PP_AUDIT_PATH": grouped.audit_path,
        "PP_ACCESS_FILE": str(access),
    }
    streamlit = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "streamlit_app.py"),
         "--server.headless", "true", "--server.address", "127.0.0.1",
         "--server.port", str(app), "--secrets.files", str(secrets)],
        env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait(f"http://127.0.0.1:{idp}/.well-known/openid-configuration", provider)
        _wait(f"http://127.0.0.1:{app}/_stcore/health", streamlit)
        yield f"http://127.0.0.1:{app}"
    finally:
        for proc in (streamlit, provider):
            proc.terminate()
            proc.wait(timeout=20)


def _browser() -> Any:
    _require(Path(CHROMIUM).exists(), "Debian chromium is not installed")
    return pytest.importorskip("playwright.sync_api")


def _ask_as(page: Any, url: str, user: str) -> str:
    """Sign in as `user` at the provider, ask QUESTION, return the page's text and HTML."""
    page.goto(url)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name=user).first.click()  # the provider's predefined users
    box = page.get_by_test_id("stChatInputTextArea")
    box.wait_for(timeout=120_000)
    assert f"Signed in as {user}@example.org" in page.inner_text("body")
    box.fill(QUESTION)
    box.press("Enter")
    reply = page.get_by_test_id("stChatMessage").filter(has_text="Download")
    reply.last.wait_for(timeout=120_000)
    page.screenshot(path=str(ARTIFACTS / f"signed-in-{user}.png"), full_page=True)
    return page.inner_text("body") + page.content()


def test_signed_out_visitors_see_only_the_sign_in_page(signed_app: str) -> None:
    with _browser().sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(signed_app)
        page.get_by_role("button", name="Sign in").wait_for(timeout=120_000)
        shown = page.inner_text("body") + page.content()
        assert page.get_by_test_id("stChatInputTextArea").count() == 0
        assert not [b for b in ("Onboarding", "Corpus", "visiting", *SECRET_BITS) if b in shown]
        browser.close()


def test_each_user_reads_with_their_token_groups_and_is_audited(
    signed_app: str,
    grouped: Settings,  # noqa: F811
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with _browser().sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        jana = _ask_as(browser.new_page(), signed_app, "jana")
        petr = _ask_as(browser.new_page(), signed_app, "petr")
        olga = _ask_as(browser.new_page(), signed_app, "olga")
        browser.close()
    assert "70 per cent" in olga  # her groups come from the access file's users map
    assert "70 per cent" in jana and "Internal targets of the asylum unit" in jana
    assert "does not cover" in petr or "do not cover" in petr
    assert not [b for b in SECRET_BITS if b in petr], "a group-B document reached group A's page"
    lines = AuditLog(Path(grouped.audit_path)).export()
    by_user = {x["user"]: x for x in lines if x["channel"] == "app"}
    assert by_user["jana@example.org"]["spans"][0]["doc_id"] == "asylum-targets"
    assert by_user["petr@example.org"]["abstained"] and not [
        b for b in SECRET_BITS if b in json.dumps(by_user["petr@example.org"])
    ]
