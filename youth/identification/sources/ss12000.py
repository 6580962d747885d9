"""A small SS 12000 client: `GET /persons` page by page, following `pageToken`.

Per the OpenAPI description of SS 12000:2020, a person's `enrolments` are part of the Person
object itself (the `expand` parameter of /persons names only duties, responsibleFor,
placements, ownedPlacements and groupMemberships), so none is asked for. The first request
asks for persons with an enrolment (`relationship.entity.type=enrolment`) and a page size
(`limit`); each following request sends only `pageToken` and `limit`, because a page token
cannot be combined with other filters.

Standard library only (urllib). Every request carries the bearer token and a timeout; a
timeout, a refused connection or a 5xx answer is retried a bounded number of times with
exponential backoff; 401, 403, 404 and any other 4xx fail at once. Redirects are not
followed (the token must not be sent to another address). Any failure raises
`Ss12000Error` whose str() is a Swedish message for the coordinators' page.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib import error, parse, request

if TYPE_CHECKING:
    from http.client import HTTPMessage

from django.utils.translation import gettext as _

TOKEN_ENV_PREFIX = "KAA_SS12000_"  # nosec B105  # a variable-name prefix, not a secret
MAX_PAGE_BYTES = 64 * 1024 * 1024
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class Ss12000Error(Exception):
    """The pull failed; str() says why, in words for the coordinator."""


class _NoRedirect(request.HTTPRedirectHandler):
    def redirect_request(
        self,
        req: request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> request.Request | None:
        return None  # a 3xx then surfaces as an HTTPError


_opener = request.build_opener(_NoRedirect)


def token_from_env(name: str) -> str:
    """The bearer token from the environment variable NAME, or from the file NAME_FILE
    names. Only names starting with KAA_SS12000_ are read, so that a connection cannot be
    pointed at another secret of the installation."""
    if not name.startswith(TOKEN_ENV_PREFIX) or not name.replace("_", "").isalnum():
        raise Ss12000Error(
            _("Miljövariabeln för token måste börja med %(prefix)s.")
            % {"prefix": TOKEN_ENV_PREFIX}
        )
    file_name = os.environ.get(f"{name}_FILE", "")
    try:
        token = (
            Path(file_name).read_text(encoding="utf-8") if file_name else os.environ.get(name, "")
        )
    except OSError as exc:
        raise Ss12000Error(
            _("Filen med token för SS 12000 kunde inte läsas (%(name)s_FILE).") % {"name": name}
        ) from exc
    token = token.strip()
    if not token:
        raise Ss12000Error(
            _("Ingen token för SS 12000 är satt (miljövariabeln %(name)s).") % {"name": name}
        )
    return token


def check_base_url(base_url: str) -> str:
    """https, or http to this machine only (a bearer token never crosses a network in clear)."""
    parts = parse.urlsplit(base_url)
    local = parts.hostname in ("127.0.0.1", "::1", "localhost")
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise Ss12000Error(_("Adressen till SS 12000 måste börja med https://."))
    return base_url.rstrip("/")


class Client:
    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 30,
        page_size: int = 500,
        attempts: int = 3,
        backoff: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = check_base_url(base_url)
        self.token = token
        self.timeout = timeout
        self.page_size = page_size
        self.attempts = max(attempts, 1)
        self.backoff = backoff
        self.sleep = sleep

    def persons(self) -> Iterator[dict[str, Any]]:
        """Every person of every page, one at a time."""
        for page in self.pages():
            yield from page

    def pages(self) -> Iterator[list[dict[str, Any]]]:
        query: dict[str, str] = {
            "relationship.entity.type": "enrolment",
            "limit": str(self.page_size),
        }
        seen: set[str] = set()
        while True:
            answer = self._get("/persons", query)
            yield answer["data"]
            token = answer.get("pageToken")
            if not token:
                return
            if not isinstance(token, str) or token in seen:
                raise Ss12000Error(
                    _("SS 12000 gav samma sidmarkör (pageToken) två gånger; hämtningen avbröts.")
                )
            seen.add(token)
            query = {"pageToken": token, "limit": str(self.page_size)}

    def _get(self, path: str, query: dict[str, str]) -> dict[str, Any]:
        url = f"{self.base_url}{path}?{parse.urlencode(query)}"
        for attempt in range(1, self.attempts + 1):
            try:
                return self._get_once(url)
            except _Retryable as exc:
                if attempt == self.attempts:
                    raise Ss12000Error(
                        _("SS 12000 (%(url)s) svarade inte efter %(n)s försök: %(problem)s")
                        % {"url": self.base_url, "n": self.attempts, "problem": exc}
                    ) from exc
                self.sleep(self.backoff * 2 ** (attempt - 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def _get_once(self, url: str) -> dict[str, Any]:
        req = request.Request(  # noqa: S310  (the scheme is checked)
            url,
            headers={
                "Authorization": f"Bearer {self.token}",
                "Accept": "application/json",
            },
        )
        try:
            # https or loopback http only, checked in check_base_url
            with _opener.open(req, timeout=self.timeout) as response:  # nosec B310
                body = response.read(MAX_PAGE_BYTES + 1)
        except error.HTTPError as exc:
            if exc.code in RETRY_STATUSES:
                raise _Retryable(_("svar %(code)s") % {"code": exc.code}) from exc
            raise Ss12000Error(_refusal(self.base_url, exc.code)) from exc
        except (TimeoutError, error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError) or isinstance(exc, TimeoutError):
                raise _Retryable(
                    _("inget svar inom %(s)s sekunder") % {"s": self.timeout}
                ) from exc
            raise _Retryable(
                _("anslutningen misslyckades (%(e)s)") % {"e": reason.__class__.__name__}
            ) from exc
        if len(body) > MAX_PAGE_BYTES:
            raise Ss12000Error(
                _("En sida från SS 12000 är större än %(mb)s MB.")
                % {"mb": MAX_PAGE_BYTES // (1024 * 1024)}
            )
        try:
            answer = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise Ss12000Error(_("SS 12000 svarade med något annat än JSON.")) from exc
        if not isinstance(answer, dict) or not isinstance(answer.get("data"), list):
            raise Ss12000Error(_('Svaret från SS 12000 saknar listan "data" (GET /persons).'))
        return answer


class _Retryable(Exception):
    pass


def _refusal(base_url: str, code: int) -> str:
    if code == 401:
        return _(
            "SS 12000 (%(url)s) svarade 401: token saknas, är ogiltig eller har gått ut. "
            "Ingenting sparades."
        ) % {"url": base_url}
    if code == 403:
        return _(
            "SS 12000 (%(url)s) svarade 403: token får inte läsa personer. Ingenting sparades."
        ) % {"url": base_url}
    if code == 404:
        return _(
            "SS 12000 (%(url)s) svarade 404: adressen har ingen /persons. Kontrollera "
            "adressen (den ska sluta med API-versionen, t.ex. /v2.0). Ingenting sparades."
        ) % {"url": base_url}
    return _("SS 12000 (%(url)s) svarade %(code)s. Ingenting sparades.") % {
        "url": base_url,
        "code": code,
    }
