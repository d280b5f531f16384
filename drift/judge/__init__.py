"""drift/judge"""
