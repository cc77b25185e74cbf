"""Scripted and stochastic simulations of a campaign on a virtual clock."""
