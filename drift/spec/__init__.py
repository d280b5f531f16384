"""drift/spec"""
