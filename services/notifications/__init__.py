"""Notifications: tells every agency party to a referral about each of its events."""
