"""One revision of the werkplek's schema per module, oldest first: the schema of the revision
before it in, the next one out."""
