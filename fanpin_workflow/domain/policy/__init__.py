"""The campaign's policy rules: small pure functions over household facts.

Each takes the campaign's PolicyParameters, so a province or a year changes
a figure, not the code.
"""
