"""chainrule's command-line helpers (the `chainrule` command and the scripts behind it)."""
