package main

import (
	"fmt"
	"strconv"
	"strings"
)

// byteSize is a flag value in bytes: an integer with an optional binary
// suffix, KiB, MiB or GiB ("1MiB", "512KiB", "65536").
type byteSize int64

var byteSuffixes = []struct {
	suffix string
	factor int64
}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}

func (b *byteSize) String() string {
	n := int64(*b)
	for _, s := range byteSuffixes[:3] {
		if n != 0 && n%s.factor == 0 {
			return strconv.FormatInt(n/s.factor, 10) + s.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}

func (b *byteSize) Set(v string) error {
	num, factor := strings.TrimSpace(v), int64(1)
	for _, s := range byteSuffixes {
		if n, ok := strings.CutSuffix(num, s.suffix); ok {
			num, factor = strings.TrimSpace(n), s.factor
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/factor {
		return fmt.Errorf("%q is not a size in bytes (an integer, optionally followed by KiB, MiB or GiB)", v)
	}
	*b = byteSize(n * factor)
	return nil
}

func (b *byteSize) Type() string { return "size" }
