package jose

// CheckObject reports whether data is exactly one JSON object, valid UTF-8,
// nested at most 32 deep, whose objects never repeat a member name: the
// strictness Parse applies to a whole payload, for a claim value parsed on
// its own (tokens/delegation, tokens/confirmation).
func CheckObject(data []byte) error { return checkObject(data) }
