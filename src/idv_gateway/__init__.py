"""idv-gateway: one GraphQL API over the Didit and Kayle identity-verification providers."""

__version__ = "0.1.0"
