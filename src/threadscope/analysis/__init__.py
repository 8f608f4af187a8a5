"""Analysis steps: each takes a Thread (and whatever ``api.analyze`` hands it) and returns plain data.

Steps never call each other and never print; ``api.analyze`` runs them in
order and passes results along (themes to structure and sentiment, for one).
"""
