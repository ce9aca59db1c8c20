package vectors

// GenerateWith is Generate with another requirements table and another
// default policy, for tests that show that ShouldLevel, the boundary
// vectors' frozen values and their descriptions follow both.
func GenerateWith(seed string, reqs []Requirement, p PolicyValues) (map[string][]byte, error) {
	return generate(seed, genConfig{requirements: reqs, policy: p})
}
