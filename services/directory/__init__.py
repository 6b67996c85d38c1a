"""The directory: which agencies exist, what they offer, where, and whether they take referrals."""
