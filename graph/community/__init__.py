"""The community around the graph: questions and answers, corrections of records through the curation graph,
people's accounts (ProConnect) and their person records, following changes (the change journal, Atom feeds,
e-mail notifications), the mail queue, spam signals.

What is public (questions, answers, corrections, person records published with consent) goes through the one
writer into its own named graph; what is private (accounts, sessions, follows, the mail queue) lives in the
community database (``database.py``), never in the public store."""
