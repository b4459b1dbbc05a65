"""The bot (智能客服): knowledge base now; retrieval and dialogue arrive with the bot issue."""
