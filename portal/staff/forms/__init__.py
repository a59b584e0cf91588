"""Staff forms, one module per task; forms check shape, operations decide the rest."""
