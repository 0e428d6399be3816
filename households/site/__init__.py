"""The site around the apps: home page, health check, login pages, the navigation entries."""
