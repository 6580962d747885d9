"""The plans part of the youth's page: consents, conversations, plans and meetings of one
youth, gathered from the sub-domains."""
