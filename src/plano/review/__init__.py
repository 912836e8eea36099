"""``plano review``: a local web page for a shots folder's versions, frame notes, A/B and approval.

catalog (what is on disk), spec_diff (what changed, in words), note_change (a note in the shot language to the
next version's spec), proxies (display frames through OCIO), db (SQLite: notes, drawings, statuses, audit),
security (token, paths, sizes), jobs (the next version rendering in the background), notes_export (CSV, HTML
sheet), app (the HTTP API and the page), cli (the command).
"""
