"""kefu (客服): a self-hosted online customer-service platform."""

__version__ = "0.1.0"
