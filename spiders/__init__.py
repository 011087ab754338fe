"""Spiders navigate portals and yield raw captures; they never clean text."""
