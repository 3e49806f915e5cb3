"""The assignment's questions, answered from a student's own stored runs."""
