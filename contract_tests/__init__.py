"""Contract tests: schema-driven, property-based, and a Cognito behaviour contract."""
