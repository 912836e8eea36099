"""plano: from a director's description of a shot to finished, labelled VFX footage.

The stages, in the order data flows (no stage imports a later one):
spec -> scene -> sim -> render -> deliver. ``plano.core`` runs them and knows nothing about VFX.
"""

__version__ = "0.1.0"
