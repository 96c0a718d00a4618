from __future__ import annotations

import time

from graph.web.contrib.signing import CSRF_SECONDS, Signer


def test_a_csrf_token_is_bound_to_its_browser_form_and_time() -> None:
    signer = Signer.fresh()
    token = signer.csrf_token("browser-a", "resource")
    assert signer.csrf_valid(token, "browser-a", "resource")
    assert not signer.csrf_valid(token, "browser-b", "resource")
    assert not signer.csrf_valid(token, "browser-a", "usage")
    assert not Signer.fresh().csrf_valid(token, "browser-a", "resource")  # another process's key
    old = signer.csrf_token("browser-a", "resource", now=time.time() - CSRF_SECONDS - 1)
    assert not signer.csrf_valid(old, "browser-a", "resource")
    assert not signer.csrf_valid("", "browser-a", "resource")


def test_a_session_names_its_moderator_and_cannot_be_altered() -> None:
    signer = Signer.fresh()
    cookie = signer.session("Bruno Modère")
    assert signer.session_name(cookie) == "Bruno Modère"
    name, expires, signature = cookie.split(".")
    forged = signer.session("Mallory").split(".")[0]
    assert signer.session_name(f"{forged}.{expires}.{signature}") is None
    assert signer.session_name(f"{name}.{int(expires) + 3600}.{signature}") is None
    assert signer.session_name("garbage") is None
