"""The demo clinic (``flask --app diary demo``): a provider and patients with realistic histories.

``histories`` is pure (who the patients are and what they logged, in days
relative to today); ``service`` puts them in the database; ``cli`` is the command.
"""
