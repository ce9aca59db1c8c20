package store_test

import (
	"github.com/wimse-wg/wimse/interop/sts/store"
	"github.com/wimse-wg/wimse/profiles/exchange"
)

// Every Store is the revocation list of the token endpoint's RFC 7009
// and RFC 7662 handlers.
var (
	_ exchange.Revocations = store.Store(nil)
	_ exchange.Revocations = (*store.SQLite)(nil)
	_ exchange.Revocations = (*store.Memory)(nil)
)
