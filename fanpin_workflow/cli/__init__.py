"""The `fanpin` command line."""
