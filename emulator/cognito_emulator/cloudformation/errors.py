"""What stops a deployment, each saying what to change.

`TemplateError` and `PoolConflict` are raised before the first write, so nothing was changed;
`DeployFailed` is Cognito refusing an operation midway, after what came before it was deployed
(deploying again, once the cause is fixed, finds and updates that part).
"""

from __future__ import annotations


class TemplateError(ValueError):
    """The template, or a parameter given for it, cannot be deployed. Nothing was changed; the
    message names the template part (resource, property, parameter, function) at fault."""


class PoolConflict(Exception):
    """What the account already holds keeps the template from being deployed (two pools or two
    clients of one name, a client whose secret cannot match, another domain). Nothing was
    changed; the message names the pools or clients involved and what to do."""


class DeployFailed(Exception):
    """Cognito refused an operation: the message names the resource, its type, the operation and
    Cognito's answer. The resources deployed before it stay."""
