"""Development tools (the province generator, benchmarks): installed by local and test settings
only, never in production (`config.settings.production` does not list this app)."""
