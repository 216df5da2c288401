"""Skill «Услуги кооператива»: find, order, pay for and review household services of a city cooperative."""
