"""Who runs a service and who makes a use, where a source's own text says so.

The sources have no field for it: api.gouv.fr's and the Ressourcerie's service files give a title, a link, a
description and the APIs used; a use-case story names the resources it tells of, not their users. Some of their
texts do say who runs the service ("Calcul du quotient familial de la ville de Lyon"). ``STATEMENTS`` keeps
those, each with the words of the file that make it. A statement holds only while its files still hold those
words (``Statements.check``: otherwise it is reported and left out), so nothing is linked that a source does
not state. ``ELSEWHERE`` keeps what a source's text says of a service another source describes (a Ressourcerie
guide on api.gouv.fr's Mon-entreprise): ``operated_elsewhere`` writes it in the graph of the source that says it.

The organisation is the seed's own when one is known by that name, acronym or identifier
(``loaders.organisations.by_name``); else a new organisation, named as the text names it (the name must be
among the quoted words), written in the graph of the source that states it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import NamedNode, Triple

from graph.iris import Iris
from graph.namespaces import DCT, DUV, PROV, RDF
from graph.text import norm
from loaders._build import Out
from loaders._mapping import Organisation
from loaders.organisations import by_name, names


@dataclass(frozen=True)
class Statement:
    """``organisation`` runs the service of ``file`` (or, with ``resource``, uses that resource, which the story
    of ``file`` names), as ``quotes`` of the file say; ``also`` are words of other files of the same source that
    the statement rests on too (a sheet's ``producer``)."""

    file: str  # relative to the source's folder: "service/ecarto.md"
    organisation: str  # a name, an acronym or an identifier of the seed, or the name the quotes give
    quotes: tuple[str, ...]
    resource: str | None = None
    also: tuple[tuple[str, str], ...] = ()
    service: str | None = None  # in ELSEWHERE: the slug of the service, described by another source, it speaks of


# source folder -> its statements
STATEMENTS: Mapping[str, tuple[Statement, ...]] = {
    "apigouv": (
        Statement(
            "service/calcul-quotient-familial.md",
            "Ville de Lyon",
            ("description: Calcul du quotient familial de la ville de Lyon",),
        ),
        Statement(
            "service/rennesmetropole-dechets.md",
            "Rennes Métropole",
            ("description: Le guide des déchets de Rennes Métropole",),
        ),
        Statement(
            "service/rennesmetropole-star.md",
            "Rennes Métropole",
            ("description: Site web du réseau de transport public de Rennes Métropole",),
        ),
        Statement(
            "service/ecarto.md",
            "Banque des Territoires",
            (
                "La Banque des Territoires, en partenariat avec le ministère de l’Éducation nationale et de la "
                "Jeunesse, a souhaité mettre à disposition de l’écosystème un outil commun et ouvert : eCarto.",
                "Il est le fruit d’une démarche partenariale pilotée par la Banque des Territoires",
            ),
        ),
    ),
    "ressourcerie": (
        Statement(
            "usecases/communs numériques.md",
            "ministere-travail",
            (
                "Pour la Ressourcerie, nous avons rapidement trouvé [api.gouv.fr](http://api.gouv.fr).",
                "nous avons pu avoir rapidement une ossature, quelques contenus",
            ),
            resource="apigouvfr",
            also=(("api/Ressourcerie.md", "producer: ministere-travail"),),
        ),
    ),
}

# source folder -> its statements on services other sources describe
ELSEWHERE: Mapping[str, tuple[Statement, ...]] = {
    "ressourcerie": (
        Statement(
            "guides/Recherche entreprise.md",
            "URSSAF",
            (
                "[Mon-entreprise](https://mon-entreprise.urssaf.fr/) (l’outil de l’URSSAF pour aider les "
                "entrepreneurs à développer leur activité)",
            ),
            service="mon-entreprise",
        ),
    ),
}


@dataclass
class Statements:
    """The statements of one source that its files bear out."""

    held: list[Statement]

    @classmethod
    def check(cls, folder: Path, out: Out, table: Iterable[Statement] | None = None) -> Statements:
        """The statements of ``folder``'s source (``STATEMENTS[folder.name]`` unless ``table`` is given) whose
        quotes its files hold; each other one is reported in ``out.problems``."""
        held = []
        for st in STATEMENTS.get(folder.name, ()) if table is None else table:
            missing = [
                f"{file}: {quote!r}"
                for file, quote in [*((st.file, q) for q in st.quotes), *st.also]
                if not _holds(folder / file, quote)
            ]
            if missing:
                out.problems.append(f"{st.file}: {st.organisation!r} left out, the source no longer says {missing[0]}")
            else:
                held.append(st)
        return cls(held)

    def service(self, page_file: Path) -> Statement | None:
        """Who runs the service of this file."""
        return next((s for s in self.held if s.resource is None and Path(s.file).name == page_file.name), None)

    def story(self, page_file: Path, resource: str) -> Statement | None:
        """Who makes the use of ``resource`` (as the story names it) that the story of this file tells of."""
        return next(
            (
                s
                for s in self.held
                if s.resource is not None and Path(s.file).name == page_file.name and norm(s.resource) == norm(resource)
            ),
            None,
        )


@dataclass
class Agents:
    """Organisations of the seed by name, and the new ones statements name (each written once)."""

    iris: Iris
    known: dict[str, NamedNode]
    made: dict[str, NamedNode]

    @classmethod
    def of(cls, iris: Iris, triples: Iterable[Triple]) -> Agents:
        return cls(iris, by_name(triples, identifiers=True), {})

    def get(self, out: Out, st: Statement) -> NamedNode | None:
        """The organisation ``st`` names: a known one, else a new one written to ``out`` when the quotes give its
        name, else none (reported)."""
        found = next((self.known[n] for n in names(st.organisation) if n in self.known), None)
        if found is not None:
            return found
        if norm(st.organisation) in self.made:
            return self.made[norm(st.organisation)]
        if not any(norm(st.organisation) in norm(q) for q in st.quotes):
            out.problems.append(
                f"{st.file}: {st.organisation!r} is no known organisation and the text does not name it"
            )
            return None
        org = Organisation(st.organisation)
        node = org.iri(self.iris)
        out.triples += org.record(self.iris).triples
        self.made[norm(st.organisation)] = node
        return node


def _holds(path: Path, quote: str) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return False
    return " ".join(quote.split()) in " ".join(text.split())


def operated_elsewhere(folder: Path, iris: Iris, out: Out, triples: list[Triple]) -> None:
    """What ``folder``'s source says (``ELSEWHERE``) of the services other sources describe, written to ``out``
    (the graph of the source that says it): the service's operator (``dct:publisher``), and the same
    organisation as the user (``prov:wasAssociatedWith``) of each usage through it. ``triples`` are the seed's
    so far (its services, usages and organisations)."""
    agents = Agents.of(iris, triples)
    for st in Statements.check(folder, out, ELSEWHERE.get(folder.name, ())).held:
        tool = iris.service(st.service or "")
        usages = [
            t.subject
            for t in triples
            if t.predicate == DUV.hasUsageTool and t.object == tool and isinstance(t.subject, NamedNode)
        ]
        if not any(t.subject == tool and t.predicate == RDF.type and t.object == DUV.UsageTool for t in triples):
            out.problems.append(f"{st.file}: speaks of the service {st.service!r}, which no source describes")
            continue
        org = agents.get(out, st)
        out.add(tool, DCT.publisher, org)
        for u in usages:
            out.add(u, PROV.wasAssociatedWith, org)
