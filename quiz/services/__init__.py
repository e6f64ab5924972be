"""Use cases: each takes a Db (or Reader) first, owned by the caller (the CLI opens one per
command), does its writes in one ``with db.transaction():``, and returns frozen results of its own;
none prints. Lookups of what a command names (deck, learner, sections) live once, in lookup.py."""
