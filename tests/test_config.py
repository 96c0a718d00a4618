from __future__ import annotations

from pathlib import Path

import pytest

from graph.config import Settings
from graph.errors import ConfigError

README = Path(__file__).parent.parent / "README.md"


def test_every_setting_is_documented_in_the_readme() -> None:
    text = README.read_text()
    for name, _default, help_text in Settings.describe():
        assert f"`{name}`" in text, f"setting {name} is not in the README"
        assert help_text in text, f"the README's help for {name} differs from the code's"


def test_precedence_defaults_file_env_options(tmp_path: Path) -> None:
    f = tmp_path / "r.toml"
    f.write_text('[ressourcerie]\nbase_iri = "https://file.example/"\nstore_path = "from-file"\n')
    env = {"RESSOURCERIE_STORE_PATH": "from-env"}
    s = Settings.load(f, environ=env)
    assert (s.base_iri, s.store_path) == ("https://file.example/", "from-env")
    assert Settings.load(f, environ=env, store_path="from-option").store_path == "from-option"
    assert Settings.load(environ={}).base_iri == "https://ressourcerie.fabrique.social.gouv.fr/"


def test_errors_say_what_to_fix(tmp_path: Path) -> None:
    f = tmp_path / "r.toml"
    f.write_text("base_iri = 'https://x.example/'\nstorepath = 'x'\n")
    with pytest.raises(ConfigError, match=r"unknown settings: storepath; known: .*base_iri"):
        Settings.load(f, environ={})
    with pytest.raises(ConfigError, match="must end with '/'"):
        Settings(base_iri="https://x.example")
    with pytest.raises(ConfigError, match="primary_colour must be a CSS colour"):
        Settings(primary_colour="red;}</style><script>")
    assert Settings(primary_colour="rgb(24, 117, 60)").primary_colour == "rgb(24, 117, 60)"
    with pytest.raises(ConfigError, match="not found"):
        Settings.load(tmp_path / "missing.toml", environ={})


EXAMPLE = Path(__file__).parent.parent / "ressourcerie.example.toml"
CONFIGURATION_DOC = Path(__file__).parent.parent / "docs" / "configuration.md"


def test_the_example_file_documents_every_setting_with_its_default() -> None:
    import re

    text = EXAMPLE.read_text()
    for name, _default, help_text in Settings.describe():
        assert re.search(rf"^(# )?{name} = ", text, re.M), f"setting {name} is not in {EXAMPLE.name}"
        assert f"# {help_text}\n" in text, f"the help of {name} in {EXAMPLE.name} differs from the code's"
    assert Settings.load(EXAMPLE, environ={}) == Settings()


def test_the_instance_example_of_the_docs_loads(tmp_path: Path) -> None:
    text = CONFIGURATION_DOC.read_text()
    block = text[text.index("```toml\n") + len("```toml\n") :]
    f = tmp_path / "instance.toml"
    f.write_text(block[: block.index("```")])
    s = Settings.load(f, environ={})
    assert (s.site_name, s.base_iri, s.primary_colour) == (
        "Communs de l'agriculture",
        "https://communs.agriculture.example/",
        "#18753c",
    )
    assert not s.feature_contributions and not s.feature_workbench and s.feature_map
