"""Typed errors. Each carries the HTTP status it maps to, so one handler can turn any into a response."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graph.validation import Report


class RessourcerieError(Exception):
    status: int = 500
    french: str | None = None  # what a person is told, when the error says more than its status does

    def __init__(self, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}


class ConfigError(RessourcerieError):
    status = 500


class RdfSyntaxError(RessourcerieError):
    """Malformed RDF: names the source, and the line and column when the parser gives them."""

    status = 400

    def __init__(self, source: str, message: str, line: int | None = None, column: int | None = None) -> None:
        where = source
        if line is not None:
            where += f", line {line}"
            if column is not None:
                where += f", column {column}"
        super().__init__(f"{where}: {message}")
        self.source = source
        self.detail = message
        self.line = line
        self.column = column


class BadRequest(RessourcerieError):
    status = 400


def whole_number(name: str, raw: str | None, default: int, most: int | None = None) -> int:
    """A query parameter that counts from 1 (a page, a page size): ``default`` when absent, else a
    ``BadRequest`` naming the parameter when it is not a whole number from 1 (to ``most``)."""
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number, not {raw!r}") from None
    if value < 1:
        raise BadRequest(f"{name} must be 1 or more, not {value}")
    if most is not None and value > most:
        raise BadRequest(f"{name} must be at most {most}, not {value}")
    return value


class MethodNotAllowed(RessourcerieError):
    status = 405


class PayloadTooLarge(RessourcerieError):
    status = 413


class UnsupportedMediaType(RessourcerieError):
    status = 415


class UnsupportedFormat(RessourcerieError):
    status = 415


class ValidationFailed(RessourcerieError):
    """A write refused because the data does not conform to the shapes; nothing was written."""

    status = 422

    def __init__(self, report: Report) -> None:
        n = len(report.violations)
        super().__init__(f"refused: {n} SHACL violation{'s' if n != 1 else ''}; nothing was written")
        self.report = report


class UnknownQuery(RessourcerieError):
    status = 404


class FeatureDisabled(RessourcerieError):
    """A page or route whose feature switch (feature_*) is off on this instance."""

    status = 404


class QueryParameterError(RessourcerieError):
    """A value given for a named query's parameter that cannot be used; ``french`` says so to a person."""

    status = 400

    def __init__(self, message: str, french: str | None = None) -> None:
        super().__init__(message)
        self.french = french


class QuerySyntaxError(RessourcerieError):
    status = 400


class StoreError(RessourcerieError):
    """The store failed (I/O, lock, remote server): not the caller's fault."""

    status = 503


class HarvestError(RessourcerieError):
    """A source cannot be read as a whole (unreachable, refused, malformed payload): not the caller's fault."""

    status = 502


class SourceTimeout(HarvestError):
    """A source did not answer in time."""

    status = 504
