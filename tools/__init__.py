"""chainrule's command line, installed as the package `chainrule` (the `chainrule` command and
`python -m chainrule`); also the scripts behind it, such as notebook generation."""
