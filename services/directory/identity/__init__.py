"""The built-in issuer: client credentials, signing keys and short-lived access tokens."""
