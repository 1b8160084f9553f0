"""Input and output behind the services' ports: database, helpdesk formats, notifications."""
