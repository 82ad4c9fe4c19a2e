"""The artists app's API: public artist profiles (catalog.py) and an artist's own pieces and orders (studio.py)."""
