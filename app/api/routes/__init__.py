"""One router per area: users (authentication), health, admin."""
