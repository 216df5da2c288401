"""The governance skill: the cooperative's votes with quorum and chained minutes, appointments at city institutions,
fines, appeals to the city."""
