"""The demo clinic (``flask --app diary demo``): a provider and patients with realistic histories.

``archetypes`` and ``histories`` are pure (the stories the patients follow, and
who they are and what they logged, in days relative to today); ``service`` puts
them in the database; ``cli`` is the command.
"""
