// Command credulous is a deliberately broken server for the matrix tests:
// it answers every request to /hello with 200 and the subject it was
// given, whatever credentials the request carries (or none).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
)

func main() {
	listen := flag.String("listen", "", "address")
	subject := flag.String("subject", "", "the subject every answer names")
	flag.Parse()
	http.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {})
	http.HandleFunc("/hello", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{"subject": *subject})
	})
	if err := http.ListenAndServe(*listen, nil); err != nil { //nolint:gosec // a test fixture
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
