"""Reading what other systems send: Keepword's own JSON records and, later, helpdesk exports."""
