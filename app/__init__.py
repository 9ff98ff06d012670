"""cognito-kit service: a FastAPI auth service on AWS Cognito (or the cognito-kit emulator)."""
