"""The youth's rights under the GDPR (restriction, erasure answer, extract
recorded, the dataskydd page) and the reason step before a youth with protected identity is
opened."""
