"""Cognito's behaviour, one module per family of operations.

Each family is a class whose methods answer operations (`method(body) -> response`); the
operation table in `backend` maps names to them. Flows read and change moto's state only through
`moto_adapter`, find users through `usernames` and take their rules from `policy`.
"""
