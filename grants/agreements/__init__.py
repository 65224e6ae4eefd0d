"""A grant side's papers after the award: the signed grant agreement and the yearly financial
statements that tranche requests need."""
