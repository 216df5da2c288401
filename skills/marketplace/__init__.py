"""The marketplace skill: find, order, pay for and review household services of a city cooperative."""
