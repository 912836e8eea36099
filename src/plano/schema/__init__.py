"""The contracts every stage imports: naming, passes, camera maths."""
