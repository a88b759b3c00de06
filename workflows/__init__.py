"""Durable workflows: one per module."""
