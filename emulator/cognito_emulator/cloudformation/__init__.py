"""Pools as code: CloudFormation templates of Cognito user pools, deployed through the
cognito-idp API, to the emulator or to AWS.

`read_template` reads one (YAML with the short-form tags, or JSON); `deploy` makes what it
describes exist through any `CognitoCall` (the emulator's dispatch, or `boto3_call(client)`),
finding what exists by name and updating it. Supported: AWS::Cognito::UserPool,
UserPoolClient, UserPoolGroup, UserPoolDomain and UserPoolResourceServer, parameters,
conditions, Ref, Fn::GetAtt, Fn::Sub, Fn::If, Fn::Equals, Fn::Not, Fn::And, Fn::Or, Fn::Join,
Fn::Select, Fn::Split and the pseudo parameters; anything else is an error that names it. The
kit's own pool is the template `kit_template.KIT_TEMPLATE_PATH`.
"""

from cognito_emulator.cloudformation.cognito_calls import CognitoCall, boto3_call
from cognito_emulator.cloudformation.deployer import deploy
from cognito_emulator.cloudformation.errors import DeployFailed, PoolConflict, TemplateError
from cognito_emulator.cloudformation.lookups import find_pool
from cognito_emulator.cloudformation.stack import Change, DeployedResource, DeployedStack
from cognito_emulator.cloudformation.template import (
    Template,
    parse_template,
    read_template,
    template_from_body,
)

__all__ = [
    "Change",
    "CognitoCall",
    "DeployFailed",
    "DeployedResource",
    "DeployedStack",
    "PoolConflict",
    "Template",
    "TemplateError",
    "boto3_call",
    "deploy",
    "find_pool",
    "parse_template",
    "read_template",
    "template_from_body",
]
