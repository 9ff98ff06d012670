"""The client SDKs people use against Cognito, run against the emulator: the fidelity judge.

`python -m sdk_checks` (`nox -s sdk`): amazon-cognito-identity-js and aws-amplify v6 in Node, and
pycognito in Python, each driven through a user's story (sign-up, confirmation with the emailed
code, SRP sign-in, TOTP set-up and sign-in, email codes, refresh, sign-out) by the SDK's own
public calls. The emulator passes when the SDKs' own code paths take its answers unchanged.
A package of its own, like `oidc_clients`: one module per Python SDK, one script per Node SDK
under `node/`, one pool for all.
"""
