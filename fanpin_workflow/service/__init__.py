"""The service layer: commands a host platform issues, and their unit of work."""
