"""A pool's LambdaConfig: which function each trigger calls, checked as Cognito checks it.

CreateUserPool and UpdateUserPool take LambdaConfig (API_LambdaConfigType); DescribeUserPool
returns it. PreTokenGeneration is named twice: the plain ARN (always version 1 events) and
PreTokenGenerationConfig {LambdaArn, LambdaVersion V1_0 | V2_0 | V3_0}. "This parameter and the
PreTokenGeneration property of LambdaConfig have the same value"
(API_PreTokenGenerationVersionConfigType), so each is filled in from the other here, and two
different functions are refused. UpdateUserPool without LambdaConfig removes every trigger, as
Cognito's UpdateUserPool resets what a request leaves out.

CustomSMSSender, CustomEmailSender (with KMSKeyID) and InboundFederation are stored and described
but never invoked: the emulator delivers messages to its outbox, and has no federation.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any, Literal, get_args

from cognito_emulator.exceptions import InvalidParameterException

logger = logging.getLogger("cognito_emulator.triggers")

Trigger = Literal[
    "PreSignUp",
    "CustomMessage",
    "PostConfirmation",
    "PreAuthentication",
    "PostAuthentication",
    "DefineAuthChallenge",
    "CreateAuthChallenge",
    "VerifyAuthChallengeResponse",
    "PreTokenGeneration",
    "UserMigration",
]
TRIGGERS: tuple[Trigger, ...] = get_args(Trigger)
NOT_INVOKED = ("CustomSMSSender", "CustomEmailSender", "InboundFederation")
VERSION_CONFIGS = ("PreTokenGenerationConfig", *NOT_INVOKED)
MEMBERS = frozenset((*TRIGGERS, *VERSION_CONFIGS, "KMSKeyID"))
TOKEN_GENERATION_VERSIONS = {"V1_0": "1", "V2_0": "2", "V3_0": "3"}
# ArnType's pattern in botocore's cognito-idp model.
ARN = re.compile(
    r"arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+"
    r"(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?"
)


def normalized(lambda_config: Mapping[str, Any]) -> dict[str, Any]:
    """LambdaConfig as stored and described: ARNs checked, PreTokenGeneration named both ways.
    InvalidParameterException for a malformed ARN, a version a trigger does not have, or two
    different pre token generation functions."""
    config = {name: value for name, value in lambda_config.items() if name in MEMBERS}
    for name, value in config.items():
        if name in VERSION_CONFIGS:
            _check_arn(value.get("LambdaArn"), f"lambdaConfig.{_member(name)}.lambdaArn")
        else:
            _check_arn(value, f"lambdaConfig.{_member(name)}")
    plain = config.get("PreTokenGeneration")
    versioned = config.get("PreTokenGenerationConfig")
    if versioned is not None:
        version = versioned.get("LambdaVersion")
        if version not in TOKEN_GENERATION_VERSIONS:
            raise InvalidParameterException(
                f"1 validation error detected: Value '{version}' at "
                "'lambdaConfig.preTokenGenerationConfig.lambdaVersion' failed to satisfy "
                "constraint: Member must satisfy enum value set: [V1_0, V2_0, V3_0]"
            )
        if plain is not None and plain != versioned["LambdaArn"]:
            raise InvalidParameterException(
                "PreTokenGeneration and PreTokenGenerationConfig.LambdaArn must name the same "
                "function."
            )
        config["PreTokenGeneration"] = versioned["LambdaArn"]
    elif plain is not None:
        config["PreTokenGenerationConfig"] = {"LambdaArn": plain, "LambdaVersion": "V1_0"}
    for name in NOT_INVOKED:
        if name in config:
            logger.warning(
                "LambdaConfig.%s is stored but never invoked: the emulator delivers every "
                "message to its outbox and has no federation",
                name,
            )
    return config


def function_arn(settings: Mapping[str, Any], trigger: Trigger) -> str | None:
    """The ARN of the function a pool (its settings) calls for `trigger`, None for none."""
    config = settings.get("LambdaConfig")
    if not config:
        return None
    arn = config.get(trigger)
    return arn if isinstance(arn, str) else None


def token_generation_version(settings: Mapping[str, Any]) -> str:
    """The event version ("1", "2", "3") of the pool's pre token generation function."""
    config = settings.get("LambdaConfig") or {}
    versioned = config.get("PreTokenGenerationConfig") or {}
    return TOKEN_GENERATION_VERSIONS.get(str(versioned.get("LambdaVersion")), "1")


def _check_arn(value: Any, path: str) -> None:
    if not isinstance(value, str) or not 20 <= len(value) <= 2048 or not ARN.fullmatch(value):
        raise InvalidParameterException(
            f"1 validation error detected: Value '{value}' at '{path}' failed to satisfy "
            f"constraint: Member must satisfy regular expression pattern: {ARN.pattern}"
        )


def _member(name: str) -> str:
    """AWS's member path spelling: PreSignUp -> preSignUp, KMSKeyID -> kMSKeyID."""
    return name[:1].lower() + name[1:]
