"""HTTP and WebSocket routes, pages and static files. Handlers validate, then call one action."""
