"""model/decomposition"""
