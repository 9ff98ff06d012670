"""`python -m emulator`: see emulator/cli.py."""

from emulator.cli import main

raise SystemExit(main())
