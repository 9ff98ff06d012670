"""Lambda triggers: the functions a pool's LambdaConfig names, called with Cognito's events.

- `functions` — where a function's code runs (in-process handler or the Lambda Invoke API);
- `lambda_config` — a pool's LambdaConfig, checked and read;
- `invocation` — the event envelope, the call, and Cognito's errors;
- one module per family of triggers for its events and answers (sign-up and messages,
  authentication, token generation, custom authentication challenges).
"""
