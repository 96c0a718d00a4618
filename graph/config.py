"""Settings: each declared once with its name, default and help, read once at start-up.

Precedence, lowest first: defaults, the TOML file (``--config`` or ``RESSOURCERIE_CONFIG``; keys under
``[ressourcerie]`` or at top level), environment variables ``RESSOURCERIE_<NAME>``, command-line options.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode

from graph.errors import ConfigError
from graph.limits import DEFAULT_DEPTH
from graph.paths import bundled

_DATE = re.compile(r"\d{4}-\d\d-\d\d")
ACCESSIBILITY_STATUSES = ("non conforme", "partiellement conforme", "totalement conforme")
_CSS_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,30}|(rgb|hsl)a?\([0-9.,%/\s]+\)")


# numeric settings that must be above zero
POSITIVE = (
    "port",
    "query_workers",
    "max_result_rows",
    "max_body_bytes",
    "harvest_max_bytes",
    "harvest_max_pages",
    "query_timeout",
    "queue_timeout",
    "harvest_timeout",
    "store_timeout",
    "max_nesting_depth",
    "short_query_seconds",
    "client_queries",
    "named_query_workers",
    "smtp_port",
    "smtp_timeout",
    "session_hours",
    "rate_limit_posts",
    "rate_limit_window",
)
_SHA256 = re.compile(r"[0-9a-f]{64}")
# RESSOURCERIE_* variables that are not settings: the configuration file, the browser tests' Chromium and screenshots
NOT_SETTINGS = {"RESSOURCERIE_CONFIG", "RESSOURCERIE_CHROMIUM", "RESSOURCERIE_DOCS_SCREENSHOTS"}


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    base_iri: str = _setting(
        "https://ressourcerie.fabrique.social.gouv.fr/",
        "Base IRI under which the instance mints the IRIs of its records and named graphs; ends with '/'.",
    )
    store_path: str = _setting(
        "var/store",
        "Directory of the embedded on-disk store; ':memory:' for a temporary in-memory store.",
    )
    store: str = _setting(
        "embedded",
        "Which store: 'embedded' (pyoxigraph at store_path) or 'sparql+http://HOST:PORT/PATH', a remote SPARQL 1.1 query endpoint.",
    )
    store_update_url: str = _setting("", "SPARQL Update endpoint of a remote store (default: its query endpoint).")
    store_gsp_url: str = _setting(
        "", "Graph Store Protocol endpoint of a remote store, for bulk loads (default: none, updates are used)."
    )
    store_user: str = _setting("", "User for a remote store's update and Graph Store endpoints (none: no auth).")
    store_password: str = _setting("", "Password of store_user.")
    store_auth: str = _setting("digest", "HTTP authentication to a remote store: 'digest' or 'basic'.")
    store_timeout: float = _setting(120.0, "Seconds a request to a remote store may take before it fails.")
    seed_dir: str = _setting(
        str(bundled("data/seed")),
        "Directory holding the seed content (ressourcerie/ and apigouv/ folders).",
    )
    progress: str = _setting(
        "auto",
        "Progress bars on long loads: 'auto' (when stderr is a terminal), 'always' or 'never'.",
    )

    host: str = _setting("127.0.0.1", "Address the service listens on.")
    port: int = _setting(8000, "Port the service listens on.")
    query_timeout: float = _setting(
        30.0, "Seconds a SPARQL query or update may run before it is stopped (its process is ended) and 503 is sent."
    )
    queue_timeout: float = _setting(
        60.0, "Seconds a SPARQL query may wait for a free worker before 503 is sent (the service is busy)."
    )
    query_workers: int = _setting(2, "Worker processes that run SPARQL queries (each runs one query at a time).")
    max_result_rows: int = _setting(100_000, "Most solutions or triples a SPARQL answer may hold.")
    result_cap: str = _setting(
        "error",
        "What happens past max_result_rows: 'error' (HTTP 422, nothing sent) or 'truncate' (the answer is cut and says so in the Ressourcerie-Truncated header).",
    )
    max_body_bytes: int = _setting(10_000_000, "Largest request body accepted, in bytes (413 beyond).")
    max_nesting_depth: int = _setting(
        DEFAULT_DEPTH,
        "Deepest nesting accepted in SPARQL text, JSON bodies, JSON-LD and RDF/XML (400 beyond), checked before parsing.",
    )
    short_query_seconds: float = _setting(
        0.5,
        "A /sparql query running longer is a long one: long queries hold at most query_workers - 1 workers, so one stays free for short ones.",
    )
    client_queries: int = _setting(
        1, "SPARQL queries one client (IP address) may have running at once at /sparql; its others wait their turn."
    )
    named_query_workers: int = _setting(
        1, "Worker processes kept for the named-query pages (the site's own queries), apart from those of /sparql."
    )
    page_threads: int = _setting(
        0,
        "Record pages, catalogue pages, VoID and dumps rendered at once, each in a thread (0: one per core the service may use); the others wait their turn.",
    )
    page_processes: int = _setting(
        0,
        "Processes serving record pages, catalogue pages and VoID beside the one that writes (ressourcerie serve, embedded store on disk); they pass the other requests to it. 0: the one process serves everything.",
    )
    updates: bool = _setting(False, "Accept SPARQL Update and Graph Store writes (with the bearer token).")
    update_token_sha256: str = _setting(
        "", "SHA-256 (hex) of the bearer token that writes need; writes are refused while it is empty."
    )
    cors_origins: str = _setting("*", "Origins allowed to read through CORS, comma-separated ('*' for any).")
    redirect_303: bool = _setting(
        False, "Serve record IRIs under /id/... with a 303 redirect to their description under /doc/..."
    )

    # the instance: name, look, what it covers, which features it offers
    site_name: str = _setting("Ressourcerie", "Name of the instance, shown in the header and page titles.")
    site_tagline: str = _setting(
        "Les communs numériques du travail, de l'emploi et de l'insertion",
        "One line under the site name saying what the instance covers.",
    )
    site_operator: str = _setting(
        "Fabrique numérique des ministères sociaux",
        "Administration that runs the instance, named in the header and the governance page.",
    )
    logo_url: str = _setting(
        "", "URL of the operator's logo shown in the header beside the Marianne block (none: no logo)."
    )
    primary_colour: str = _setting("#000091", "Main colour of links and buttons (CSS colour; DSFR's blue by default).")
    theme_scheme: str = _setting(
        "https://ressourcerie.fabrique.social.gouv.fr/def/theme",
        "IRI of the SKOS concept scheme whose concepts are the instance's themes.",
    )
    scope: str = _setting(
        "Travail, emploi, insertion",
        "Sphere the instance covers, stated on the governance page: what may be proposed.",
    )
    content_licence: str = _setting(
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        "IRI of the licence under which the instance's content may be reused.",
    )
    # the mandatory pages: legal notice, accessibility statement, personal data (each says what is not set)
    contact_email: str = _setting(
        "",
        "Address people write to about the site: questions, accessibility defects, personal data (shown on the legal pages; none: they say no address is given).",
    )
    operator_address: str = _setting("", "Postal address of the operator (site_operator), shown in the legal notice.")
    publication_director: str = _setting(
        "", "Name and title of the director of publication (directeur de la publication), shown in the legal notice."
    )
    hosting_provider: str = _setting(
        "", "Name, address and telephone number of the host of the service (hébergeur), shown in the legal notice."
    )
    accessibility_status: str = _setting(
        "non conforme",
        "Compliance with the RGAA stated in the accessibility statement: 'non conforme' (no audit yet), 'partiellement conforme' or 'totalement conforme'.",
    )
    accessibility_audit: str = _setting(
        "",
        "The RGAA audit behind accessibility_status: by whom, when, with what compliance rate (none: no audit has been made).",
    )
    accessibility_statement_date: str = _setting(
        "", "Date (YYYY-MM-DD) on which the accessibility statement was made or last brought up to date."
    )
    dpo_contact: str = _setting(
        "",
        "How to reach the operator's data protection officer (an e-mail address or a URL), shown on the personal-data page.",
    )
    personal_data_basis: str = _setting(
        "",
        "Legal basis of the processing of contributors' names and e-mail addresses (GDPR article 6), as the operator states it, shown on the personal-data page.",
    )
    personal_data_retention: str = _setting(
        "",
        "How long the names and e-mail addresses of contributors are kept, as the operator decides it (shown on the personal-data page).",
    )
    feature_map: bool = _setting(True, "Offer the map of the usage network (/network).")
    feature_contributions: bool = _setting(
        True, "Let people propose resources and document usages, and moderators publish them."
    )
    feature_harvest: bool = _setting(True, "Allow harvesting DCAT catalogues and source adapters (CLI and moderation).")
    feature_datagouv_search: bool = _setting(
        True, "Show matching data.gouv.fr datasets and APIs beside search results."
    )
    feature_workbench: bool = _setting(
        True, "Serve the YASGUI workbench on /sparql for browsers and the named query pages."
    )
    moderation_token_sha256: str = _setting(
        "", "SHA-256 (hex) of the bearer token of moderators; moderation is closed while it is empty."
    )
    submissions_path: str = _setting(
        "",
        "Directory of the private store of pending contributions (default: <store_path>-submissions; in memory for a memory store).",
    )
    feature_questions: bool = _setting(
        True, "Let people ask and answer questions about resources, organisations and themes (/questions), moderated."
    )
    feature_feeds: bool = _setting(True, "Offer Atom feeds of what changed, for the whole site and for each record.")
    feature_accounts: bool = _setting(
        False,
        "Let public agents sign in with ProConnect (OpenID Connect; the oidc_* settings) to follow and contribute.",
    )
    anonymous_contributions: bool = _setting(
        True, "Accept proposals, questions, answers and corrections from people who are not signed in."
    )
    oidc_issuer: str = _setting(
        "", "Issuer URL of the OpenID Connect provider (ProConnect); its discovery document is read at sign-in."
    )
    oidc_client_id: str = _setting("", "Client id of this instance at the OpenID Connect provider.")
    oidc_client_secret: str = _setting("", "Client secret of this instance at the OpenID Connect provider.")
    oidc_scopes: str = _setting(
        "openid email given_name usual_name siret organizational_unit",
        "Scopes asked of the OpenID Connect provider, space-separated (ProConnect's claims are named after them).",
    )
    oidc_redirect_uri: str = _setting(
        "", "Callback URL registered at the provider (default: /login/callback on the host the request came to)."
    )
    session_hours: float = _setting(8.0, "Hours a signed-in session lasts before the person must sign in again.")
    community_path: str = _setting(
        "",
        "SQLite file of accounts, sessions, follows, the change journal and the mail queue (default: <store_path>-community.sqlite; in memory for a memory store).",
    )
    smtp_host: str = _setting("", "SMTP server that sends e-mail notifications and relayed messages (none: no e-mail).")
    smtp_port: int = _setting(587, "Port of the SMTP server.")
    smtp_starttls: bool = _setting(True, "Upgrade the SMTP connection with STARTTLS before sending.")
    smtp_user: str = _setting("", "User name for the SMTP server (none: no login).")
    smtp_password: str = _setting("", "Password of smtp_user.")
    smtp_from: str = _setting("", "Sender address of the e-mail the instance sends (required with smtp_host).")
    smtp_timeout: float = _setting(10.0, "Seconds an SMTP exchange may take before the message is retried later.")
    moderation_emails: str = _setting(
        "", "Addresses told by e-mail when a contribution is waiting for moderation, comma-separated (none: nobody)."
    )
    rate_limit_posts: int = _setting(
        20, "Most form posts and contribution API calls one client may make per rate_limit_window (429 beyond)."
    )
    rate_limit_window: float = _setting(600.0, "Seconds over which rate_limit_posts is counted.")
    search_index_path: str = _setting(
        "", "SQLite file of the full-text index (default: <store_path>-search.sqlite; in memory for a memory store)."
    )
    harvest_sources: str = _setting(
        "",
        "Sources harvested by 'ressourcerie harvest --all' and the schedule: LOCATION, NAME=LOCATION (a DCAT catalogue) or NAME=KIND:LOCATION (an installed source such as datagouv-api), comma-separated (a TOML list works too).",
    )
    harvest_schedule: str = _setting(
        "",
        "Sources of harvest_sources that 'ressourcerie serve' harvests again in the background: NAME=INTERVAL, comma-separated (hourly, daily, weekly, or 30s, 15m, 6h, 2d; a TOML table works too).",
    )
    harvest_timeout: float = _setting(30.0, "Seconds a harvest request may take before it is retried, then fails.")
    harvest_retries: int = _setting(
        3, "Retries of a harvest request after a timeout, a connection error or a 5xx answer (with backoff)."
    )
    harvest_max_bytes: int = _setting(50_000_000, "Largest page a harvest reads, in bytes (the run fails beyond).")
    harvest_max_pages: int = _setting(1000, "Most pages one harvest run follows (the run stops and reports it).")
    datagouv_api_url: str = _setting(
        "https://www.data.gouv.fr/api/", "Base URL of the data.gouv.fr API (v1 and v2 under it)."
    )
    log_format: str = _setting(
        "text", "Log lines as 'text' or as 'json' (one JSON object a line, with the request id of each request)."
    )
    metrics: bool = _setting(True, "Serve Prometheus metrics at /metrics.")

    def __post_init__(self) -> None:
        if isinstance(self.harvest_sources, list | tuple):  # a TOML list
            object.__setattr__(self, "harvest_sources", ",".join(str(x) for x in self.harvest_sources))
        if isinstance(self.harvest_schedule, dict):  # a TOML table: name = "daily"
            schedule = ",".join(f"{k}={v}" for k, v in self.harvest_schedule.items())
            object.__setattr__(self, "harvest_schedule", schedule)
        for f in dataclasses.fields(self):  # every setting takes the type of its declared default
            object.__setattr__(self, f.name, _coerce(f.name, getattr(self, f.name), type(f.default)))
        if not self.base_iri.endswith(("/", "#")):
            raise ConfigError(f"base_iri must end with '/' or '#': {self.base_iri!r}")
        try:
            NamedNode(self.base_iri)
        except ValueError as e:
            raise ConfigError(f"base_iri is not a valid IRI: {self.base_iri!r} ({e})") from None
        if self.progress not in {"auto", "always", "never"}:
            raise ConfigError(f"progress must be 'auto', 'always' or 'never', not {self.progress!r}")
        if self.result_cap not in {"error", "truncate"}:
            raise ConfigError(f"result_cap must be 'error' or 'truncate', not {self.result_cap!r}")
        if self.store != "embedded" and not self.store.startswith(("sparql+http://", "sparql+https://")):
            raise ConfigError(f"store must be 'embedded' or 'sparql+http(s)://...', not {self.store!r}")
        if not _CSS_COLOUR.fullmatch(str(self.primary_colour).strip()):
            raise ConfigError(
                f"primary_colour must be a CSS colour such as '#18753c' or 'rgb(24, 117, 60)', not {self.primary_colour!r}"
            )
        if self.store_auth not in {"digest", "basic"}:
            raise ConfigError(f"store_auth must be 'digest' or 'basic', not {self.store_auth!r}")
        for name in POSITIVE:
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be a positive number, not {getattr(self, name)!r}")
        if self.accessibility_status not in ACCESSIBILITY_STATUSES:
            raise ConfigError(
                f"accessibility_status must be one of {', '.join(repr(x) for x in ACCESSIBILITY_STATUSES)},"
                f" not {self.accessibility_status!r}"
            )
        if self.accessibility_statement_date and not _DATE.fullmatch(self.accessibility_statement_date):
            raise ConfigError(
                f"accessibility_statement_date must be a date such as '2026-03-12', not {self.accessibility_statement_date!r}"
            )
        if self.harvest_retries < 0:
            raise ConfigError("harvest_retries must be 0 or more")
        if self.page_threads < 0:
            raise ConfigError(f"page_threads must be 0 (one per core) or more, not {self.page_threads!r}")
        if self.page_processes < 0:
            raise ConfigError(f"page_processes must be 0 (one process) or more, not {self.page_processes!r}")
        if self.page_processes and (self.store != "embedded" or self.store_path == ":memory:"):
            raise ConfigError(
                "page_processes needs the embedded store on disk (store = 'embedded' and a store_path): the other"
                " processes read the snapshots it leaves on disk"
            )
        if self.log_format not in {"text", "json"}:
            raise ConfigError(f"log_format must be 'text' or 'json', not {self.log_format!r}")
        for name in ("update_token_sha256", "moderation_token_sha256"):
            digest = getattr(self, name).strip().lower()
            if digest and not _SHA256.fullmatch(digest):
                raise ConfigError(
                    f'{name} must be the SHA-256 of the token, 64 hexadecimal digits (printf %s "$TOKEN" | '
                    f"sha256sum), not {getattr(self, name)!r}"
                )
        if self.feature_accounts and not (self.oidc_issuer and self.oidc_client_id):
            raise ConfigError("feature_accounts needs oidc_issuer and oidc_client_id (the ProConnect client)")
        if self.smtp_host and "@" not in self.smtp_from:
            raise ConfigError("smtp_host needs smtp_from, the sender address of the e-mail sent")

    @property
    def harvest_source_list(self) -> list[str]:
        return [s.strip() for s in self.harvest_sources.split(",") if s.strip()]

    @property
    def search_index_file(self) -> str:
        """Where the full-text index lives: ':memory:' beside an in-memory store."""
        if self.search_index_path:
            return self.search_index_path
        return ":memory:" if self.store_path == ":memory:" else f"{self.store_path}-search.sqlite"

    @property
    def submissions_location(self) -> str:
        """Where the private store of pending contributions lives: beside an embedded store, in memory beside an
        in-memory one, under var/ beside a remote store."""
        if self.submissions_path:
            return self.submissions_path
        if self.store != "embedded":
            return "var/submissions"
        return ":memory:" if self.store_path == ":memory:" else f"{self.store_path}-submissions"

    @property
    def community_location(self) -> str:
        """Where accounts, follows, the change journal and the mail queue live: beside an embedded store, in memory
        beside an in-memory one, under var/ beside a remote store."""
        if self.community_path:
            return self.community_path
        if self.store != "embedded":
            return "var/community.sqlite"
        return ":memory:" if self.store_path == ":memory:" else f"{self.store_path}-community.sqlite"

    @property
    def moderation_email_list(self) -> list[str]:
        return [a.strip() for a in self.moderation_emails.split(",") if a.strip()]

    @classmethod
    def describe(cls) -> list[tuple[str, Any, str]]:
        """(name, default, help) of every setting."""
        return [(f.name, f.default, f.metadata["help"]) for f in dataclasses.fields(cls)]

    @classmethod
    def load(
        cls,
        config_file: str | Path | None = None,
        environ: Mapping[str, str] | None = None,
        **overrides: Any,
    ) -> Settings:
        environ = os.environ if environ is None else environ
        names = {f.name for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        config_file = config_file or environ.get("RESSOURCERIE_CONFIG")
        if config_file:
            values.update(_read_toml(Path(config_file), names))
        for name in names:
            env = environ.get(f"RESSOURCERIE_{name.upper()}")
            if env is not None:
                values[name] = env
        strays = {
            k
            for k in environ
            if k.startswith("RESSOURCERIE_") and k not in NOT_SETTINGS and k[13:].lower() not in names
        }
        if strays:
            raise ConfigError(
                f"unknown environment variables: {', '.join(sorted(strays))}; settings are RESSOURCERIE_<NAME> with "
                f"NAME one of: {', '.join(sorted(names))}"
            )
        values.update({k: v for k, v in overrides.items() if v is not None})
        unknown = set(values) - names
        if unknown:
            raise ConfigError(f"unknown settings: {', '.join(sorted(unknown))}; known: {', '.join(sorted(names))}")
        return cls(**values)


def _coerce(name: str, value: Any, kind: type) -> Any:
    """Settings from the environment arrive as text: turn them into the declared type, or say why not."""
    if isinstance(value, kind) and not (kind in (int, float) and isinstance(value, bool)):
        return value
    if kind is str:
        if isinstance(value, dict | list | tuple):
            raise ConfigError(f"{name} must be a text, not {value!r}")
        return str(value)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip().lower()
    if kind is bool:
        if text in {"1", "true", "yes", "on"}:
            return True
        if text in {"0", "false", "no", "off", ""}:
            return False
        raise ConfigError(f"{name} must be true or false, not {value!r}")
    try:
        return kind(text)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {value!r}") from None


def _read_toml(path: Path, names: set[str]) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"configuration file not found: {path}") from None
    except IsADirectoryError:
        raise ConfigError(f"{path} is a directory, not a configuration file") from None
    except OSError as e:
        raise ConfigError(f"{path}: cannot read the configuration file: {e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: invalid TOML: {e}") from None
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not a TOML file (not UTF-8 text at byte {e.start})") from None
    tables = {k for k, v in data.items() if isinstance(v, dict)}
    if tables - {"ressourcerie"}:
        raise ConfigError(
            f"{path}: unknown table(s) {', '.join(f'[{t}]' for t in sorted(tables - {'ressourcerie'}))}; "
            "settings go at the top level or under [ressourcerie]"
        )
    section = data.get("ressourcerie", data)
    if "ressourcerie" in data and set(data) != {"ressourcerie"}:
        raise ConfigError(f"{path}: settings go either at the top level or under [ressourcerie], not both")
    unknown = set(section) - names
    if unknown:
        raise ConfigError(f"{path}: unknown settings: {', '.join(sorted(unknown))}; known: {', '.join(sorted(names))}")
    return dict(section)
