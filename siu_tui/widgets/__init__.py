"""Reusable pieces of the SIU Desk screens."""
