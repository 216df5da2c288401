"""Skill «ЖКУ» (utilities): accounts, balance, charges, meter readings, payments, tariffs, reminders, requests."""
