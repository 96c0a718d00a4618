"""What the contribution, moderation and community handlers share: the private submissions store, the moderation
logic, the process's signing key; the community database (accounts, sessions, follows, the change journal, the
mail queue) and its background worker; the per-client rate limiter; the OpenID Connect client; the feature switches;
who is a moderator, who is signed in.

Moderators prove it with the token whose SHA-256 is ``moderation_token_sha256``: as ``Authorization: Bearer``
on the API, or once on the login form, which sets a signed session cookie naming them. People sign in with
ProConnect (``feature_accounts``): a signed cookie holds their session's id, the session lives in the community
database until it expires or they sign out.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response

from graph import features
from graph.choices import Options
from graph.community.accounts import Account, Accounts
from graph.community.database import Database
from graph.community.journal import Journal
from graph.community.mail import Mail, Outbox, Worker
from graph.community.notify import Notifier
from graph.community.oidc import OidcClient
from graph.config import Settings
from graph.errors import RessourcerieError
from graph.moderation import Moderation
from graph.submissions import SubmissionStore
from graph.web.auth import Forbidden, require_bearer
from graph.web.context import Context, context
from graph.web.contrib.signing import ACCOUNT_COOKIE, SESSION_COOKIE, Signer, browser_id, set_browser_id
from graph.web.ratelimit import RateLimiter, check

DEFAULT_MODERATOR = "Équipe de modération"
MAX_PENDING = 1000


class QueueFull(RessourcerieError):
    status = 503


class SignInNeeded(RessourcerieError):
    status = 401


@dataclass
class Desk:
    submissions: SubmissionStore
    moderation: Moderation
    signer: Signer
    db: Database
    journal: Journal
    accounts: Accounts
    outbox: Outbox
    worker: Worker
    limiter: RateLimiter
    oidc: OidcClient | None

    @classmethod
    def open(cls, settings: Settings, ctx: Context, *, sends: bool = True) -> Desk:
        """``sends``: this process sends the queued e-mails (one process only, the one that writes)."""
        submissions = SubmissionStore.open(settings, ctx.iris)
        db = Database.open(settings.community_location)
        journal = Journal(db, ctx.store)
        ctx.writer.subscribe(journal)
        accounts = Accounts(db)
        outbox = Outbox(db, settings)
        worker = Worker(outbox, settings)
        journal.listen(Notifier(ctx.store, journal, accounts, outbox, settings, worker.submit))
        if outbox.enabled and sends:
            worker.start()
        oidc = OidcClient(settings) if features.enabled(settings, "accounts") else None
        return cls(
            submissions,
            Moderation(submissions, ctx.writer, ctx.iris),
            Signer.fresh(),
            db,
            journal,
            accounts,
            outbox,
            worker,
            RateLimiter(settings.rate_limit_posts, settings.rate_limit_window),
            oidc,
        )

    def close(self) -> None:
        self.worker.stop()
        self.submissions.close()
        self.db.close()

    def tell_moderators(self, settings: Settings, what: str, sid: str) -> None:
        """Queue a message to the moderators' addresses: something waits for them (only when e-mail is on)."""
        for address in settings.moderation_email_list:
            body = (
                f"Bonjour,\n\n{what} attend la modération (n° {sid}).\n\n"
                f"Pour la relire : {settings.base_iri}moderation\n\nL'équipe de {settings.site_name}"
            )
            self.outbox.put(Mail(address, f"[{settings.site_name}] À modérer : {what} ({sid})", body))


def state(request: Request) -> Desk:
    """The desk, whatever features are on."""
    return request.app.state.desk  # type: ignore[no-any-return]


def desk(request: Request) -> Desk:
    """The desk, after checking that contributions are switched on (404 otherwise)."""
    features.require(context(request).settings, "contributions")
    return state(request)


def limit(request: Request, d: Desk) -> None:
    """Count a post of this client against its allowance (429 beyond); moderators signed in are not counted."""
    if session_moderator(request, d) is None:
        check(request, d.limiter)


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


def signed_in(request: Request, d: Desk) -> Account | None:
    """The account of the person signed in on this browser, if any (accounts on, session not expired)."""
    if d.oidc is None:
        return None
    sid = d.signer.unsigned(request.cookies.get(ACCOUNT_COOKIE, ""), "account")
    session = d.accounts.session(sid) if sid else None
    return d.accounts.get(session.sub) if session else None


def may_contribute(request: Request, d: Desk) -> Account | None:
    """The account of the person contributing, or None for an anonymous contribution where the instance takes
    them; 401 (with the way to sign in) where it does not."""
    account = signed_in(request, d)
    if account is None and not context(request).settings.anonymous_contributions:
        raise SignInNeeded("Connectez-vous avec ProConnect pour contribuer sur cette instance.")
    return account


def page_token(request: Request, d: Desk, form: str) -> str:
    """A CSRF token for a form shown on a page; the browser's id is set by ``keep_browser`` when it is new."""
    browser = getattr(request.state, "rsr_browser", None)
    if browser is None:
        browser, new = browser_id(request)
        request.state.rsr_browser = browser
        request.state.rsr_browser_new = new
    return d.signer.csrf_token(browser, form)


def keep_browser(request: Request, response: Response) -> None:
    """Set the browser's id cookie when a page issued form tokens for a browser that had none."""
    if getattr(request.state, "rsr_browser_new", False):
        set_browser_id(request, response, request.state.rsr_browser)
