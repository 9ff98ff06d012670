"""`python -m cognito_emulator`: see emulator/cognito_emulator/cli.py."""

from cognito_emulator.cli import main

raise SystemExit(main())
