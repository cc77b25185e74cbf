"""The domain: states, approval rules and the records they produce; no I/O."""
