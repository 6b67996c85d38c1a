"""Monitoring as code: the Grafana dashboards of `deploy/monitoring/grafana/`, generated."""
