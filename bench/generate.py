"""A deterministic generator of Ressourcerie-shaped graphs, streamed to N-Triples or N-Quads.

Resources of every kind (mostly APIs, as in the seed), organisations in hierarchies, people and their
memberships, usage tools, usages, feedback and guides, all conforming to ``shapes/ressourcerie.ttl`` by
construction (the ontology graph supplies the themes and schemes they point to). The same seed and size
give the same bytes. ``defects`` seeds known violations, listed as (focus, path) in a JSON sidecar::

    python -m bench.generate --size 100k out.nq
    python -m bench.generate --size 10k --defects 8 --format nt out.nt   # also writes out.nt.defects.json
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from bench import _vocab as V

DEFAULT_BASE = "https://ressourcerie.fabrique.social.gouv.fr/"
SIZES = {"3k": 3_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}
# Defect kinds, applied in turn; each breaks exactly one property shape of one record.
DEFECT_PATHS = {
    "resource-without-publisher": "dct:publisher",
    "usage-of-missing-resource": "duv:refersTo",
    "rating-out-of-scheme": "duv:hasRating",
    "membership-without-role": "org:role",
}

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
FOAF = "http://xmlns.com/foaf/0.1/"
ORG = "http://www.w3.org/ns/org#"
ADMS = "http://www.w3.org/ns/adms#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DUV = "http://www.w3.org/ns/duv#"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "http://schema.org/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
OA = "http://www.w3.org/ns/oa#"
RSR = "https://ressourcerie.fabrique.social.gouv.fr/def/"
ACCESS = "http://publications.europa.eu/resource/authority/access-right/"


def parse_size(text: str) -> int:
    """'10k' -> 10000, '1m' -> 1000000, '2500' -> 2500."""
    key = text.strip().lower()
    if key in SIZES:
        return SIZES[key]
    if key.endswith("k"):
        return int(float(key[:-1]) * 1_000)
    if key.endswith("m"):
        return int(float(key[:-1]) * 1_000_000)
    return int(key)


def _iri(value: str) -> str:
    return f"<{value}>"


def _lit(text: str, lang: str | None = "fr", datatype: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if datatype:
        return f'"{escaped}"^^<{datatype}>'
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


@dataclass(frozen=True)
class Defect:
    kind: str
    focus: str
    path: str


@dataclass
class Stats:
    triples: int = 0
    records: dict[str, int] = field(default_factory=dict)
    defects: list[Defect] = field(default_factory=list)


class _Generator:
    """Emits records in rounds; a record links only to records emitted before it (or in its round)."""

    def __init__(self, rng: random.Random, base: str, defects: int) -> None:
        self.rng = rng
        self.base = base
        self.defects_left = {k: defects // len(DEFECT_PATHS) for k in DEFECT_PATHS}
        for k in list(DEFECT_PATHS)[: defects % len(DEFECT_PATHS)]:
            self.defects_left[k] += 1
        self.defects: list[Defect] = []
        self.counts: dict[str, int] = {}
        self.kinds = list(V.KINDS)
        self.weights = [w for w, _ in V.KINDS.values()]

    # --- helpers --------------------------------------------------------------------------------------------

    def _new(self, kind: str) -> tuple[int, str]:
        n = self.counts.get(kind, 0)
        self.counts[kind] = n + 1
        return n, f"{self.base}{kind}/{kind[:3]}-{n:07d}"

    def _pick(self, kind: str, lo: int = 0, hi: int | None = None) -> str:
        """The IRI of a record of this kind already minted, numbered in [lo, hi) (hi: all so far)."""
        end = self.counts[kind] if hi is None else hi
        i = self.rng.randrange(max(0, min(lo, end - 1)), end)
        return f"{self.base}{kind}/{kind[:3]}-{i:07d}"

    def _defect(self, kind: str, n: int, focus: str) -> bool:
        """Odd-numbered records take a defect of their kind while some are left to place."""
        if n % 2 == 1 and self.defects_left[kind] > 0:
            self.defects_left[kind] -= 1
            self.defects.append(Defect(kind, focus, DEFECT_PATHS[kind]))
            return True
        return False

    def _date(self) -> str:
        return f"20{self.rng.randrange(15, 26)}-{self.rng.randrange(1, 13):02d}-{self.rng.randrange(1, 29):02d}"

    def _sentence(self) -> str:
        r = self.rng
        return f"Permet de {r.choice(V.VERBS)} les {r.choice(V.SUBJECTS)} et les {r.choice(V.SUBJECTS)}."

    # --- records --------------------------------------------------------------------------------------------

    def organisation(self) -> Iterator[tuple[str, str, str]]:
        n, s = self._new("organisation")
        r = self.rng
        name = f"{r.choice(V.ORG_NAMES)} {r.choice(V.ORG_FIELDS)} n° {n}"
        for cls in (ORG + "Organization", FOAF + "Organization", FOAF + "Agent"):
            yield s, RDF + "type", _iri(cls)
        yield s, DCT + "identifier", _lit(f"org-{n:07d}", None)
        yield s, FOAF + "name", _lit(name)
        yield s, DCT + "description", _lit(f"{name} : {self._sentence()}")
        yield s, ORG + "classification", _iri(f"{RSR}organisation-type/{r.choice(V.ORG_TYPES)}")
        yield s, FOAF + "homepage", _iri(f"https://org{n}.example.gouv.fr/")
        if n > 0 and r.random() < 0.8:  # a hierarchy: most organisations sit under an earlier one
            yield s, ORG + "subOrganizationOf", _iri(self._pick("organisation", lo=n // 2 - 5, hi=n))
        contact, ident = s + "#contact", s + "#siren"
        yield s, DCAT + "contactPoint", _iri(contact)
        yield contact, RDF + "type", _iri(VCARD + "Kind")
        yield contact, VCARD + "fn", _lit(name)
        yield contact, VCARD + "hasEmail", _iri(f"mailto:contact@org{n}.example.gouv.fr")
        yield s, ADMS + "identifier", _iri(ident)
        yield ident, RDF + "type", _iri(ADMS + "Identifier")
        yield ident, SKOS + "notation", _lit(f"{100_000_000 + n * 7919 % 900_000_000:09d}", None)
        yield ident, DCT + "type", _iri(RSR + "identifier-scheme/siren")
        yield ident, ADMS + "schemaAgency", _lit("Institut national de la statistique et des études économiques")

    def person(self) -> Iterator[tuple[str, str, str]]:
        n, s = self._new("person")
        r = self.rng
        yield s, RDF + "type", _iri(FOAF + "Person")
        yield s, RDF + "type", _iri(FOAF + "Agent")
        yield s, FOAF + "name", _lit(f"{r.choice(V.FIRST_NAMES)} {r.choice(V.LAST_NAMES)}", None)
        yield s, FOAF + "mbox", _iri(f"mailto:personne{n}@example.gouv.fr")
        n, m = self._new("membership")
        yield m, RDF + "type", _iri(ORG + "Membership")
        yield m, ORG + "member", _iri(s)
        yield m, ORG + "organization", _iri(self._pick("organisation"))
        if not self._defect("membership-without-role", n, m):
            yield m, ORG + "role", _iri(f"{RSR}role/{r.choice(V.ROLES)}")

    def resource(self) -> Iterator[tuple[str, str, str]]:
        n, s = self._new("resource")
        r = self.rng
        kind = r.choices(self.kinds, self.weights)[0]
        title = f"{V.KIND_PREFIX[kind]} {r.choice(V.SUBJECTS)} {r.choice(V.QUALIFIERS)} n° {n}"
        yield s, RDF + "type", _iri(DCAT + "Resource")
        for cls in V.KINDS[kind][1]:
            yield s, RDF + "type", _iri(cls)
        yield s, DCT + "type", _iri(f"{RSR}kind/{kind}")
        yield s, DCT + "identifier", _lit(f"res-{n:07d}", None)
        yield s, DCT + "title", _lit(title)
        yield s, DCT + "description", _lit(f"{title}. {self._sentence()} {self._sentence()}")
        if not self._defect("resource-without-publisher", n, s):
            publisher = self._pick("person") if r.random() < 0.05 else self._pick("organisation")
            yield s, DCT + "publisher", _iri(publisher)
        if r.random() < 0.2:
            yield s, DCT + "contributor", _iri(self._pick("person"))
        for theme in sorted(set(r.choices(V.THEMES, k=r.randrange(1, 4)))):
            yield s, DCAT + "theme", _iri(f"{RSR}theme/{theme}")
        for keyword in sorted(set(r.choices(V.KEYWORDS, k=r.randrange(2, 9)))):
            yield s, DCAT + "keyword", _lit(keyword)
        yield s, DCT + "accessRights", _iri(ACCESS + r.choice(V.ACCESS))
        yield s, DCT + "modified", _lit(self._date(), datatype=XSD + "date")
        yield s, DCAT + "landingPage", _iri(f"https://ressources.example.gouv.fr/{kind}/{n}")
        if kind == "api":
            yield s, DCAT + "endpointURL", _iri(f"https://api.example.gouv.fr/r{n}/v1")
            yield s, DCAT + "endpointDescription", _iri(f"https://api.example.gouv.fr/r{n}/openapi.json")
        elif kind == "dataset":
            dist = s + "#csv"
            yield s, DCAT + "distribution", _iri(dist)
            yield dist, RDF + "type", _iri(DCAT + "Distribution")
            yield dist, DCAT + "downloadURL", _iri(f"https://data.example.gouv.fr/r{n}.csv")
        elif kind in ("source-code", "ai"):
            yield s, SCHEMA + "codeRepository", _iri(f"https://github.com/example-gouv/r{n}")
        elif kind == "catalogue":
            yield s, FOAF + "homepage", _iri(f"https://catalogue{n}.example.gouv.fr/")

    def tool(self) -> Iterator[tuple[str, str, str]]:
        n, s = self._new("service")
        yield s, RDF + "type", _iri(DUV + "UsageTool")
        yield s, RDF + "type", _iri(SCHEMA + "WebApplication")
        yield s, DCT + "identifier", _lit(f"ser-{n:07d}", None)
        yield s, DCT + "title", _lit(f"Service en ligne n° {n}")
        yield s, DCT + "description", _lit(self._sentence())
        yield s, FOAF + "homepage", _iri(f"https://service{n}.example.gouv.fr/")
        yield s, DCT + "publisher", _iri(self._pick("organisation"))

    def document(self) -> Iterator[tuple[str, str, str]]:
        n, s = self._new("document")
        r = self.rng
        kind = "guide" if r.random() < 0.7 else "use-case"
        yield s, RDF + "type", _iri(FOAF + "Document")
        yield s, RDF + "type", _iri(SCHEMA + "Article")
        yield s, DCT + "type", _iri(f"{RSR}kind/{kind}")
        yield s, DCT + "identifier", _lit(f"doc-{n:07d}", None)
        yield s, DCT + "title", _lit(f"{'Guide' if kind == 'guide' else 'Retour'} : {r.choice(V.SUBJECTS)} n° {n}")
        yield s, DCT + "description", _lit(self._sentence())
        yield s, SCHEMA + "text", _lit(" ".join(self._sentence() for _ in range(4)))
        for res in sorted({self._pick("resource") for _ in range(r.randrange(1, 4))}):
            yield s, DCT + "references", _iri(res)
        if n > 0 and r.random() < 0.3:
            yield s, DCT + "relation", _iri(self._pick("document", lo=n - 50, hi=n))

    def usage(self) -> Iterator[tuple[str, str, str]]:
        n, s = self._new("usage")
        r = self.rng
        yield s, RDF + "type", _iri(DUV + "Usage")
        yield s, RDF + "type", _iri(PROV + "Activity")
        if self._defect("usage-of-missing-resource", n, s):
            yield s, DUV + "refersTo", _iri(f"{self.base}resource/missing-{n:07d}")
        else:
            yield s, DUV + "refersTo", _iri(self._pick("resource"))
        yield s, DCT + "description", _lit(self._sentence())
        agent = self._pick("person") if r.random() < 0.3 else self._pick("organisation")
        yield s, PROV + "wasAssociatedWith", _iri(agent)
        yield s, PROV + "startedAtTime", _lit(self._date(), datatype=XSD + "date")
        if r.random() < 0.5:
            yield s, DUV + "hasUsageTool", _iri(self._pick("service"))
        if self.counts.get("document") and r.random() < 0.2:
            yield s, DCT + "source", _iri(self._pick("document"))

    def feedback(self) -> Iterator[tuple[str, str, str]]:
        n, s = self._new("feedback")
        r = self.rng
        yield s, RDF + "type", _iri(DUV + "UserFeedback")
        yield s, RDF + "type", _iri(OA + "Annotation")
        target = self._pick("usage") if r.random() < 0.7 else self._pick("resource")
        yield s, OA + "hasTarget", _iri(target)
        yield s, OA + "bodyValue", _lit(f"Très utile pour {r.choice(V.VERBS)} les {r.choice(V.SUBJECTS)}.")
        level = 7 if self._defect("rating-out-of-scheme", n, s) else r.randrange(1, 6)
        yield s, DUV + "hasRating", _iri(f"{RSR}rating/{level}")
        yield s, DCT + "creator", _iri(self._pick("person"))
        yield s, DCT + "created", _lit(self._date(), datatype=XSD + "date")

    def round(self, i: int) -> Iterator[tuple[str, str, str]]:
        """Round i: one resource, and the other records in their proportions to resources."""
        if i % 10 == 0:
            yield from self.organisation()
        if i % 4 == 0:
            yield from self.person()
        if i % 40 == 0:
            yield from self.tool()
        yield from self.resource()
        if i % 3 == 0:
            yield from self.usage()
        if i % 6 == 0:
            yield from self.feedback()
        if i % 15 == 0:
            yield from self.document()


def generate(
    out: TextIO,
    target: int,
    *,
    seed: int = 7,
    base: str = DEFAULT_BASE,
    quads: bool = True,
    defects: int = 0,
    ontology: bool = False,
) -> Stats:
    """Write about ``target`` triples (whole rounds, so a few more) to ``out``; return what was written.

    With ``quads``, the data goes to the named graph ``{base}graph/bench`` (and the ontology, if asked for,
    to ``{base}graph/ontology``); otherwise plain N-Triples.
    """
    gen = _Generator(random.Random(seed), base, defects)
    stats = Stats()
    if ontology:
        stats.triples += _write_ontology(out, f" <{base}graph/ontology>" if quads else "")
    suffix = f" <{base}graph/bench> .\n" if quads else " .\n"
    written, i = 0, 0
    while written < target:
        lines = [f"<{s}> <{p}> {o}{suffix}" for s, p, o in gen.round(i)]
        out.write("".join(lines))
        written += len(lines)
        i += 1
    if any(gen.defects_left.values()):
        raise ValueError(f"the graph is too small to hold {defects} defects; missing: {gen.defects_left}")
    stats.triples += written
    stats.records = dict(gen.counts)
    stats.defects = gen.defects
    return stats


def _write_ontology(out: TextIO, graph: str) -> int:
    from graph.seed import ontology_triples

    triples = ontology_triples()
    out.write("".join(f"{t.subject} {t.predicate} {t.object}{graph} .\n" for t in triples))
    return len(triples)


def write_file(path: Path, target: int, **options: object) -> Stats:
    """Generate into ``path`` (and ``path.defects.json`` when defects are asked for)."""
    with path.open("w", encoding="utf-8", newline="\n") as f:
        stats = generate(f, target, **options)  # type: ignore[arg-type]
    if stats.defects:
        sidecar = [{"kind": d.kind, "focus": d.focus, "path": d.path} for d in stats.defects]
        defects_path(path).write_text(json.dumps(sidecar, indent=1) + "\n", encoding="utf-8")
    return stats


def defects_path(path: Path) -> Path:
    return path.with_name(path.name + ".defects.json")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    p.add_argument("output", type=Path)
    p.add_argument("--size", default="10k", help="target triples: 10k, 100k, 1m, 10m or a number")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--base", default=DEFAULT_BASE, help="base IRI of the generated records")
    p.add_argument("--format", choices=("nq", "nt"), default=None, help="default: from the file extension")
    p.add_argument("--defects", type=int, default=0, help="known violations to seed (listed in a sidecar)")
    p.add_argument("--ontology", action="store_true", help="also write the ontology (its own graph in N-Quads)")
    args = p.parse_args(argv)
    fmt = args.format or ("nt" if args.output.suffix == ".nt" else "nq")
    stats = write_file(
        args.output,
        parse_size(args.size),
        seed=args.seed,
        base=args.base,
        quads=fmt == "nq",
        defects=args.defects,
        ontology=args.ontology,
    )
    print(f"{args.output}: {stats.triples:,} triples; records: {stats.records}; defects: {len(stats.defects)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
