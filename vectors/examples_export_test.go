package vectors

// Fold8792 is fold8792 for the examples' tests, which unfold with their
// own RFC 8792 unfolder.
var Fold8792 = fold8792
