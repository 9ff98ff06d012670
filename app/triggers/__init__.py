"""The service's own Cognito Lambda triggers, deployable to AWS Lambda as they are and run by the
emulator in `nox -s dev` and the tests.

- PostConfirmation (`app.triggers.post_confirmation.handler`): the confirmed user's row, so it
  exists before their first login.
- PreTokenGeneration, event version V2_0 (`app.triggers.pre_token_generation.handler`): members
  of the admin group get this API's resource-server scopes in their access tokens.

Each handler is a plain `handler(event, context)` that reads only the settings it needs from the
environment: DATABASE_URL (and the other DATABASE_* settings) for the first,
AWS_COGNITO_RESOURCE_SERVER_ID for the second.
"""

# The Lambda function names the kit gives them: the dev stack and the tests register the
# handlers under these names, and the README deploys them so.
POST_CONFIRMATION_FUNCTION = "cognito-kit-post-confirmation"
PRE_TOKEN_GENERATION_FUNCTION = "cognito-kit-pre-token-generation"
