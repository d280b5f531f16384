"""drift/commands"""
