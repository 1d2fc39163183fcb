"""Built-in scenarios, one package each; the registry imports a scenario's package when it is used."""
