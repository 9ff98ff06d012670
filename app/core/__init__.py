"""Configuration, persistence and the Cognito-facing building blocks of the service."""
