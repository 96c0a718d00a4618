"""What the contribution and moderation handlers share: the private submissions store, the moderation
logic, the process's signing key; the feature switch; who is a moderator.

Moderators prove it with the token whose SHA-256 is ``moderation_token_sha256``: as ``Authorization: Bearer``
on the API, or once on the login form, which sets a signed session cookie naming them.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from graph import features
from graph.choices import Options
from graph.config import Settings
from graph.errors import RessourcerieError
from graph.moderation import Moderation
from graph.submissions import SubmissionStore
from graph.web.auth import Forbidden, require_bearer
from graph.web.context import Context, context
from graph.web.contrib.signing import SESSION_COOKIE, Signer

DEFAULT_MODERATOR = "Équipe de modération"
MAX_PENDING = 1000


class QueueFull(RessourcerieError):
    status = 503


@dataclass
class Desk:
    submissions: SubmissionStore
    moderation: Moderation
    signer: Signer

    @classmethod
    def open(cls, settings: Settings, ctx: Context) -> Desk:
        submissions = SubmissionStore.open(settings, ctx.iris)
        return cls(submissions, Moderation(submissions, ctx.writer, ctx.iris), Signer.fresh())

    def close(self) -> None:
        self.submissions.close()


def desk(request: Request) -> Desk:
    """The desk, after checking that contributions are switched on (404 otherwise)."""
    features.require(context(request).settings, "contributions")
    return request.app.state.desk  # type: ignore[no-any-return]


def options(ctx: Context) -> Options:
    return ctx.cached("contribute-options", lambda: Options.load(ctx.store, ctx.settings.theme_scheme))


def require_open(settings: Settings) -> None:
    if not settings.moderation_token_sha256.strip():
        raise Forbidden("moderation is closed: no moderator token is configured (moderation_token_sha256 is empty)")


def bearer_moderator(request: Request) -> None:
    """Raise unless the request carries the moderators' bearer token (401), moderation being open (403)."""
    settings = context(request).settings
    require_open(settings)
    require_bearer(
        request,
        settings.moderation_token_sha256,
        missing="moderation needs an 'Authorization: Bearer <token>' header",
        wrong="the bearer token is not the moderators' token",
    )


def session_moderator(request: Request, d: Desk) -> str | None:
    """The name of the moderator whose session cookie this browser holds, if any."""
    if not context(request).settings.moderation_token_sha256.strip():
        return None
    return d.signer.session_name(request.cookies.get(SESSION_COOKIE, ""))
