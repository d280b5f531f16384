"""drift/model"""
