"""The issuer's adapters: key files, the Mongo stores and the HTTP endpoints."""
