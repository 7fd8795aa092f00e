"""Pure booking rules (no Django): the graphs' state machines and the seat maths. Services load
their inputs and apply the answers; the tests of this package never touch the database."""
