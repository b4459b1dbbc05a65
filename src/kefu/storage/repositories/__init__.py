"""Repositories: the queries domain code needs, each module one aggregate."""
