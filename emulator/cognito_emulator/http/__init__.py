"""The emulator's HTTP layer: one Starlette app, one module per concern, no business rules.

`app` assembles the app and owns the lock every backend call holds; `idp_api` is the cognito-idp
JSON API at `POST /`; `well_known` the pools' JWKS and OpenID configuration; `control` the JSON
control API under `/_emulator/`; the `console` package the web console beside it (routes in
`console.routes`); `index` sends a browser at `GET /` to the console; `managed_login` and
`oauth_endpoints` a pool domain's pages and endpoints; `form_bodies` reads the forms browsers post;
`errors` the JSON answers to everything that goes wrong outside the API; `wire` the JSON formats;
`templating` the Jinja2 templates shipped in `templates/`.
"""
