from __future__ import annotations

import pytest

from loaders.openapi import NotOpenApi, endpoint, parse

DOC = "https://api.example.gouv.fr/docs/openapi.yaml"


def servers(*entries: dict[str, object]) -> dict[str, object]:
    return {"openapi": "3.0.0", "servers": list(entries)}


def test_openapi_3_gives_its_first_production_server() -> None:
    doc = servers(
        {"url": "https://staging.api.example.gouv.fr", "description": "Environnement de staging"},
        {"url": "https://api.example.gouv.fr/v2/", "description": "Environnement de production"},
    )
    found = endpoint(doc, DOC)
    assert found.url == "https://api.example.gouv.fr/v2" and found.reason == "servers"


def test_swagger_2_gives_host_base_path_and_the_safest_scheme() -> None:
    doc = {"swagger": "2.0", "host": "api.example.gouv.fr", "basePath": "/v1", "schemes": ["http", "https"]}
    assert endpoint(doc).url == "https://api.example.gouv.fr/v1"
    assert endpoint({"swagger": "2.0", "host": "api.example.gouv.fr"}).url == "https://api.example.gouv.fr/"


def test_server_variables_take_their_defaults() -> None:
    doc = servers({"url": "https://{host}/api", "variables": {"host": {"default": "data.example.gouv.fr"}}})
    assert endpoint(doc).url == "https://data.example.gouv.fr/api"
    assert endpoint(servers({"url": "https://{host}/api"})).url is None


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("https://IP-GATEWAY/rial/v1", "not a public host name"),
        ("https://to-be-defined/anges/v1", "not a public host name"),
        ("http://localhost:7009/api/v1", "not a public host name"),
        ("http://192.168.1.22/supdata", "a private address"),
        ("https://sandbox-api.piste.gouv.fr/dila/legifrance", "a test address"),
        ("https://partenaires.api.ameli.fr/test/v1/droits", "a test address"),
        ("ftp://files.example.gouv.fr/", "not an http(s) URL"),
    ],
)
def test_private_placeholder_and_test_servers_give_nothing(url: str, why: str) -> None:
    found = endpoint(servers({"url": url}), DOC)
    assert found.url is None and why in found.reason


def test_a_template_listing_internal_hosts_gives_nothing_whatever_its_default() -> None:
    doc = servers(
        {
            "url": "{schema}://{baseUrl}/api/",
            "variables": {
                "schema": {"enum": ["https", "http"], "default": "http"},
                "baseUrl": {"enum": ["192.168.1.22/set", "ix1-qv.example.fr"], "default": "ix1-qv.example.fr"},
            },
        }
    )
    assert endpoint(doc).url is None


def test_a_relative_server_counts_only_where_the_producer_serves_the_document() -> None:
    doc = servers({"url": "/"})
    copy = endpoint(doc, "https://api.gouv.fr/swaggers/api-x.json")
    assert copy.url is None and "not served by its producer" in copy.reason
    own = endpoint(doc, "https://apicarto.ign.fr/api/doc/aoc.yml", served_by_producer=True)
    assert own.url == "https://apicarto.ign.fr/"
    assert endpoint({"openapi": "3.0.2"}, "https://raw.githubusercontent.com/o/r/dev/x.json").url is None


def test_parse_reads_json_and_yaml_and_refuses_what_is_not_openapi() -> None:
    assert parse(b'{"openapi": "3.1.0", "servers": []}')["openapi"] == "3.1.0"
    assert parse(b"swagger: '2.0'\nhost: a.example.fr\n")["host"] == "a.example.fr"
    with pytest.raises(NotOpenApi, match="not an OpenAPI or Swagger document"):
        parse(b"title: a page\n")
    with pytest.raises(NotOpenApi, match="not JSON nor YAML"):
        parse(b"{ not: [json", "doc.json")
