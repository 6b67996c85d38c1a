"""The referrals service: a person's journey from agency to agency, with its legal basis."""
