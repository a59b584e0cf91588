"""The durable outbox: messages written in the booking's transaction, sent later."""
