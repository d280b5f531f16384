"""drift/live"""
