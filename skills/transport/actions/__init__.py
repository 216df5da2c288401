"""The transport skill's actions: fares, rides and their drivers, public-transport routes, parking."""
