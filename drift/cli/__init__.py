"""drift/cli"""
