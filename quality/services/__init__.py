"""Writes of the quality app: rating alerts (`alerts`) and the lead authority's decision on a
fail band (`decisions`)."""
