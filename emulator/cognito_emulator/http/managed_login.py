"""A pool's managed login pages, on Cognito's paths under the pool's domain mount.

`GET /oauth2/authorize`; `GET|POST /login`, `/signup`, `/confirmUser`, `/forgotPassword`,
`/confirmForgotPassword`, `/forceChangePassword`, and the challenges after the password: `/mfa`
(an MFA code), `/selectMfaType`, `/mfaSetup` (an authenticator app); `POST /resendcode`;
`GET /logout`. The rules are in `flows/managed_login.py` and `flows/authorize_request.py`; this
module reads requests, checks the forms' CSRF token, keeps the cookies and renders the pages
(plain HTML forms, inline CSS, no script).

- Session: the `cognito` cookie (HttpOnly, SameSite=Lax, Path = the domain's mount, one hour)
  holds an opaque id of a server-side login session.
- CSRF: double submit, as Cognito's hosted UI does it: each form page sets an `XSRF-TOKEN` cookie
  and repeats its value in a hidden `_csrf` field; a POST whose field and cookie differ (or
  lack) is refused with a 403 page before anything else is done.
- Forms are read by `form_bodies.read_form` (url-encoded, UTF-8, bounded, each field once).
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from cognito_emulator.flows.authorize_request import (
    ErrorRedirect,
    PageError,
    authorize_parameters,
)
from cognito_emulator.flows.managed_login import (
    NOTICES,
    FormInfo,
    FormProblem,
    ManagedLoginFlows,
    Outcome,
    PageRequest,
    ToApp,
    ToPage,
)
from cognito_emulator.http.form_bodies import BadForm, read_form
from cognito_emulator.http.templating import templates
from cognito_emulator.login_sessions import SESSION_LIFETIME_SECONDS

if TYPE_CHECKING:
    from cognito_emulator.http.app import EmulatorApp

SESSION_COOKIE = "cognito"
CSRF_COOKIE = "XSRF-TOKEN"
CSRF_FIELD = "_csrf"
CSRF_REFUSED = (
    "This form's CSRF token is missing or does not match its XSRF-TOKEN cookie, so nothing "
    "was done. Open the page again and submit the form from there."
)
# No script may run, no other site may frame the pages, and nothing here is cached.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}

T = TypeVar("T")
Endpoint = Callable[[Request], Awaitable[Response]]
Show = Callable[[ManagedLoginFlows, PageRequest], Outcome | FormInfo]
Submit = Callable[[ManagedLoginFlows, PageRequest, Mapping[str, str]], Outcome]


def _refusals_answered(endpoint: Endpoint) -> Endpoint:
    """`endpoint`, with a refused authorize request answered: PageError with an error page,
    ErrorRedirect back to the app with the OAuth error."""

    async def answered(request: Request) -> Response:
        try:
            return await endpoint(request)
        except (PageError, ErrorRedirect) as refusal:
            return _refused(request, refusal)

    return answered


@_refusals_answered
async def authorize(request: Request) -> Response:
    """Back to the app for a signed-in browser, else to /login with the same parameters."""
    page = _page_request(request)
    signed_in = await _locked(request, lambda flows: flows.authorize(page))
    if signed_in is None:
        return _redirect(f"{_root(request)}/login?{request.url.query}")
    return _follow(request, signed_in)


@_refusals_answered
async def logout(request: Request) -> Response:
    page = _page_request(request)
    response = _follow(request, await _locked(request, lambda flows: flows.logout(page)))
    response.delete_cookie(
        SESSION_COOKIE,
        path=_root(request),
        secure=_secure(request),
        httponly=True,
        samesite="lax",
    )
    return response


def form_page(page_name: str, template: str, show: Show | None, submit: Submit) -> Endpoint:
    """The endpoint of one form page: GET shows it (`show` may send the browser on instead),
    POST submits it and follows the outcome, or shows the form again with the problem."""

    @_refusals_answered
    async def endpoint(request: Request) -> Response:
        page = _page_request(request)
        form: dict[str, str] = {}
        answer: Outcome | FormInfo | tuple[FormInfo, str]
        try:
            if request.method == "POST":
                form = await read_form(request)
                if not _csrf_matches(request, form):
                    return _error_page(request, 403, CSRF_REFUSED)
                answer = await _locked(request, lambda flows: _submitted(flows, submit, page, form))
            else:
                assert show is not None  # a page without `show` is routed for POST only
                answer = await _locked(request, lambda flows: show(flows, page))
        except BadForm as bad:
            return _error_page(request, bad.status, bad.message)
        if isinstance(answer, ToApp | ToPage):
            return _follow(request, answer)
        info, problem = answer if isinstance(answer, tuple) else (answer, None)
        return _form(request, page_name, template, info, problem, form)

    return endpoint


def _submitted(
    flows: ManagedLoginFlows, submit: Submit, page: PageRequest, form: Mapping[str, str]
) -> Outcome | tuple[FormInfo, str]:
    try:
        return submit(flows, page, form)
    except FormProblem as problem:
        return problem.info or flows.form_page(page), problem.message


# -- reading requests -----------------------------------------------------------------------------


def _page_request(request: Request) -> PageRequest:
    return PageRequest(
        domain=request.path_params["domain"],
        query=request.query_params.multi_items(),
        session_id=request.cookies.get(SESSION_COOKIE),
    )


async def _locked(request: Request, call: Callable[[ManagedLoginFlows], T]) -> T:
    emulator: EmulatorApp = request.app
    return await emulator.run_locked(lambda: call(emulator.backend.managed_login))


def _csrf_matches(request: Request, form: Mapping[str, str]) -> bool:
    """Double submit: the form's token is the browser's XSRF-TOKEN cookie, and there is one."""
    cookie = request.cookies.get(CSRF_COOKIE)
    field = form.get(CSRF_FIELD)
    if not cookie or field is None:
        return False
    return secrets.compare_digest(cookie.encode(), field.encode())


# -- answers --------------------------------------------------------------------------------------


def _root(request: Request) -> str:
    """The domain's mount as the browser sees it (`/domains/{domain}`): pages and cookie path."""
    return str(request.scope.get("root_path", ""))


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _page_url(request: Request, page: str, extra: list[tuple[str, str]] | None = None) -> str:
    parameters = authorize_parameters(request.query_params.multi_items()) + (extra or [])
    return f"{_root(request)}/{page}?{urlencode(parameters)}"


def _redirect(location: str) -> Response:
    return RedirectResponse(location, status_code=302, headers=PAGE_HEADERS)


def _follow(request: Request, outcome: Outcome) -> Response:
    if isinstance(outcome, ToApp):
        response = _redirect(outcome.location)
    else:
        extra = [("username", outcome.username)] if outcome.username else []
        if outcome.notice:
            extra.append(("notice", outcome.notice))
        response = _redirect(_page_url(request, outcome.page, extra))
    if outcome.session_id is not None:
        response.set_cookie(
            SESSION_COOKIE,
            outcome.session_id,
            max_age=SESSION_LIFETIME_SECONDS,
            path=_root(request),
            secure=_secure(request),
            httponly=True,
            samesite="lax",
        )
    return response


def _refused(request: Request, refusal: PageError | ErrorRedirect) -> Response:
    if isinstance(refusal, ErrorRedirect):
        return _redirect(refusal.location)
    return _error_page(request, refusal.status, refusal.message)


def _error_page(request: Request, status: int, message: str) -> Response:
    return templates.TemplateResponse(
        request,
        "managed_login/error.html",
        {"message": message, "status": status, "notice": None, "problem": None},
        status_code=status,
        headers=PAGE_HEADERS,
    )


def _form(
    request: Request,
    page: str,
    template: str,
    info: FormInfo,
    problem: str | None,
    form: Mapping[str, str],
) -> Response:
    """A form page; after a problem, filled in again with what was sent (never a password)."""
    query = request.query_params
    token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    context: dict[str, Any] = {
        "action": _page_url(request, page),
        "resend_action": _page_url(request, "resendcode"),
        "links": {
            "login": _page_url(request, "login"),
            "signup": _page_url(request, "signup"),
            "forgot_password": _page_url(request, "forgotPassword"),
        },
        "csrf": token,
        "info": info,
        "notice": None if problem else NOTICES.get(query.get("notice", "")),
        "problem": problem,
        "username": form.get("username", query.get("username", "")),
        "values": {name: form.get(name, "") for name in info.required_attributes},
    }
    response = templates.TemplateResponse(
        request,
        template,
        context,
        status_code=400 if problem else 200,
        headers=PAGE_HEADERS,
    )
    if request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(
            CSRF_COOKIE,
            token,
            path=_root(request),
            secure=_secure(request),
            httponly=True,
            samesite="lax",
        )
    return response


Flows = ManagedLoginFlows
ROUTES: list[BaseRoute] = [
    Route("/oauth2/authorize", authorize, methods=["GET"]),
    Route(
        "/login",
        form_page("login", "managed_login/login.html", Flows.login_page, Flows.sign_in),
        methods=["GET", "POST"],
    ),
    Route(
        "/signup",
        form_page("signup", "managed_login/signup.html", Flows.form_page, Flows.sign_up),
        methods=["GET", "POST"],
    ),
    Route(
        "/confirmUser",
        form_page(
            "confirmUser", "managed_login/confirm_user.html", Flows.form_page, Flows.confirm_user
        ),
        methods=["GET", "POST"],
    ),
    Route(
        "/resendcode",
        form_page("confirmUser", "managed_login/confirm_user.html", None, Flows.resend_code),
        methods=["POST"],
    ),
    Route(
        "/forgotPassword",
        form_page(
            "forgotPassword",
            "managed_login/forgot_password.html",
            Flows.form_page,
            Flows.forgot_password,
        ),
        methods=["GET", "POST"],
    ),
    Route(
        "/confirmForgotPassword",
        form_page(
            "confirmForgotPassword",
            "managed_login/confirm_forgot_password.html",
            Flows.form_page,
            Flows.confirm_forgot_password,
        ),
        methods=["GET", "POST"],
    ),
    Route(
        "/forceChangePassword",
        form_page(
            "forceChangePassword",
            "managed_login/force_change_password.html",
            Flows.new_password_page,
            Flows.force_change_password,
        ),
        methods=["GET", "POST"],
    ),
    Route(
        "/mfa",
        form_page("mfa", "managed_login/mfa.html", Flows.mfa_page, Flows.answer_mfa),
        methods=["GET", "POST"],
    ),
    Route(
        "/selectMfaType",
        form_page(
            "selectMfaType",
            "managed_login/select_mfa_type.html",
            Flows.select_mfa_type_page,
            Flows.select_mfa_type,
        ),
        methods=["GET", "POST"],
    ),
    Route(
        "/mfaSetup",
        form_page(
            "mfaSetup", "managed_login/mfa_setup.html", Flows.mfa_setup_page, Flows.set_up_mfa
        ),
        methods=["GET", "POST"],
    ),
    Route("/logout", logout, methods=["GET"]),
]
