"""drift: declarative drift checker for SigmaMind AI integration auth configuration."""

__version__ = "0.1.0"
