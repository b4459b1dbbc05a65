"""Users and roles, authentication, access policy and the visitor token."""
