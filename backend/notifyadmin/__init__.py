"""The admin console's view of the notifier's health (dead letters with names and ticket codes)."""
