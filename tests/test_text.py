"""graph.text: the sources' Markdown and MDX as sanitised HTML and as plain text, and the summaries."""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from graph import text
from loaders.frontmatter import read_pages

SEED = Path(__file__).resolve().parent.parent / "data" / "seed"


def here(url: str, image: bool) -> str | None:
    """A resolver that keeps every link, relative ones under /ici."""
    return url if "://" in url or url.startswith("mailto:") else "/ici" + url


def test_markdown_becomes_html() -> None:
    html = text.html("## Titre\n\nUn **mot** et un [lien](https://a.fr).\n\n- un\n- deux")
    assert isinstance(html, Markup)
    assert "<h2>Titre</h2>" in html and "<strong>mot</strong>" in html
    assert '<a href="https://a.fr" rel="noopener">lien</a>' in html and "<li>deux</li>" in html


def test_components_become_links_or_are_dropped() -> None:
    source = (
        "Voir <External href='https://a.fr/x'>le site</External>.\n\n"
        '<Button href="https://datapass.api.gouv.fr/x">Remplir une demande</Button>\n\n'
        "<Button href='/les-api/y' alt>Autre</Button>\n\n"
        "<NextSteps is_editeur/>\n<QuestionTree tree='x' question='y' />\n\n"
        "<Centered>au centre</Centered> <Inconnu a='b'>gardé</Inconnu>"
    )
    html = text.html(source, here)
    assert '<a href="https://a.fr/x" rel="noopener">le site</a>' in html
    assert '<a href="https://datapass.api.gouv.fr/x" class="fr-btn" rel="noopener">Remplir une demande</a>' in html
    assert 'href="/ici/les-api/y" class="fr-btn fr-btn--secondary"' in html
    assert "au centre" in html and "gardé" in html
    for gone in ("NextSteps", "QuestionTree", "Centered", "Inconnu", "External", "Button", "&lt;"):
        assert gone not in html


def test_a_component_written_loosely_is_no_text() -> None:
    html = text.html('sur le <External href"https://www.geoportail.gouv.fr/carte">Géoportail</External> ainsi')
    assert html == Markup("<p>sur le Géoportail ainsi</p>\n")


def test_html_is_sanitised() -> None:
    html = text.html(
        '<script>alert(1)</script><img src="https://a.fr/x.png" onerror="alert(2)">'
        '<a href="javascript:alert(3)">x</a> <p style="color:red" onclick="f()">y</p><iframe src="https://a"></iframe>'
    )
    for bad in ("<script", "alert(1)", "onerror", "javascript:", "style=", "onclick", "<iframe"):
        assert bad not in html, bad
    assert '<img src="https://a.fr/x.png" loading="lazy">' in html


def test_links_and_images_go_through_the_resolver() -> None:
    def resolve(url: str, image: bool) -> str | None:
        return {"/images/a.png": "/media/a.png", "/les-api/x": "/resource/x"}.get(url)

    html = text.html("![Capture](/images/a.png) ![Absente](/images/b.png) [fiche](/les-api/x) [ailleurs](/y)", resolve)
    assert '<img src="/media/a.png" alt="Capture" loading="lazy">' in html
    assert "Absente" not in html and "/images/b.png" not in html  # an image the source does not have is left out
    assert '<a href="/resource/x" rel="noopener">fiche</a>' in html
    assert "ailleurs" in html and 'href="/y"' not in html  # a link with nowhere to go keeps its text
    assert "/ici" not in text.html("[x](/relatif)")  # by default, relative links are dropped


def test_headings_start_at_the_level_asked_and_never_skip() -> None:
    html = text.html("# Un\n\n### Trois\n\n##### Cinq\n\n## Deux", top=3)
    assert [line[:4] for line in html.splitlines() if line.startswith("<h")] == ["<h3>", "<h4>", "<h5>", "<h4>"]


def test_tables_scroll_in_their_own_box() -> None:
    html = text.html("| a | b |\n|---|---|\n| 1 | 2 |")
    assert html.startswith('<div class="rsr-table"><table>') and "<td>2</td>" in html


def test_bold_written_with_inner_spaces() -> None:
    assert text.html("**Des perspectives **\n\nUn **mot **suivi") == Markup(
        "<p><strong>Des perspectives</strong></p>\n<p>Un <strong>mot</strong> suivi</p>\n"
    )
    assert "**" not in text.html("un gras qui ne se ferme pas** ici")


def test_markdown_inside_html_blocks_is_read() -> None:
    html = text.html("<details>\n    <summary>Accès</summary>\n    <p>\n    **Qui :** les services\n</details>")
    assert "<summary>Accès</summary>" in html and "<strong>Qui :</strong> les services" in html


def test_plain_text_has_the_words_only() -> None:
    source = "## Titre\n\nUn **mot**, un [lien](https://a.fr) et <External href='x'>un composant</External>.\n\n![Image](/i.png)\n\n<NextSteps />"
    assert text.plain(source) == "Titre\nUn mot, un lien et un composant."
    assert text.reading_minutes(source) == 1
    assert text.reading_minutes("mot " * 1000) == 5


def test_summary_takes_the_first_paragraph_not_a_heading() -> None:
    assert text.summary(None, "## Description du service\n\nLe **service** fait ceci.", "T") == "Le service fait ceci."
    assert text.summary("Accroche", "corps", "T") == "Accroche"
    assert text.summary(None, "![Image](/x.png)", "Le titre") == "Le titre"
    long = text.summary(None, "mot " * 200, None)
    assert long is not None and len(long) <= 300 and long.endswith("…")


def test_every_seed_text_renders_without_markup_left() -> None:
    """No text of the seed leaves Markdown or a component in its words (code aside)."""
    left = []
    for folder in sorted(p for p in SEED.glob("*/*") if p.is_dir()):
        for page in read_pages(folder):
            for tag, words in text.blocks(page.body):
                if tag != "pre" and any(m in words for m in ("**", "](", "![", "<External", "<Button", "<NextSteps")):
                    left.append(f"{page.path.name}: {words[:80]}")
    assert not left, left[:5]


def test_an_embedded_frame_becomes_a_link() -> None:
    html = text.html('<iframe width="700" src="https://www.youtube.com/embed/x" title="YouTube video player"></iframe>')
    assert html == Markup(
        '<a href="https://www.youtube.com/embed/x" rel="noopener">Voir le contenu intégré (www.youtube.com)</a>'
    )
