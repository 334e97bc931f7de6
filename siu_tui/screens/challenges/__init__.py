"""IRO challenges: the list, one challenge's detail, and the forms that log, escalate and
resolve it."""
