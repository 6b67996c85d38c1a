"""The operator's and auditor's console: a small web app over the services' APIs and Kafka.

Its app is `tsunagu_ops.console.app.console_app`; `python -m tsunagu_ops.console` serves it."""
