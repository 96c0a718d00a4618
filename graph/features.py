"""The feature switches of an instance (``feature_*`` settings), checked in one way: a switched-off feature
answers 404 on the web and exit 2 on the command line, with a message saying which setting turns it on."""

from __future__ import annotations

from graph.config import Settings
from graph.errors import FeatureDisabled

# feature -> what it offers, as the message names it
FEATURES: dict[str, str] = {
    "map": "the map of the usage network",
    "workbench": "the SPARQL workbench and the named query pages",
    "contributions": "contributions",
    "harvest": "harvesting",
    "datagouv_search": "data.gouv.fr results beside the search",
    "questions": "questions and answers",
    "feeds": "the Atom feeds of changes",
    "accounts": "signing in with ProConnect",
}


def enabled(settings: Settings, feature: str) -> bool:
    if feature not in FEATURES:
        raise KeyError(f"no feature {feature!r}; the features are: {', '.join(FEATURES)}")
    return bool(getattr(settings, f"feature_{feature}"))


def require(settings: Settings, feature: str) -> None:
    """Raise ``FeatureDisabled`` (404) unless the feature is switched on."""
    if not enabled(settings, feature):
        name = f"feature_{feature}"
        raise FeatureDisabled(
            f"{FEATURES[feature]} is switched off on this instance ({name} = false); "
            f"set {name} = true (or RESSOURCERIE_{name.upper()}=true) to offer it"
        )
