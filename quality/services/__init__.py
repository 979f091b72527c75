"""Writes of the quality app, keyword-only, atomic and audited: Ofsted imports, rating alerts
(`alerts`), the lead authority's decision on a fail band (`decisions`), annual re-checks and
evidence expiry."""
