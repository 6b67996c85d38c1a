"""The directory's adapters: the Mongo store, the taxonomy files and the HTTP API."""
