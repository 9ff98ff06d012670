"""The Cognito behaviours the service relies on, written once and run against any target."""
