"""The emulator's web console: server-rendered pages under /_emulator/ (`routes`), one module
per page family, reading and acting through the cognito-idp API (`operations`)."""
