"""Skill groups, queues and assignment (grows with the routing issue)."""
