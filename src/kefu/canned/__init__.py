"""Canned replies (话术库): a library of replies in personal, team and organisation folders that agents
search with ``/`` in the reply box (pinyin initials too), with variables filled for the conversation
at hand; and the skill groups' own automatic greetings."""
