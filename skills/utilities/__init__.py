"""The utilities skill: accounts, balance, charges, meter readings, payments, tariffs, reminders, requests."""
