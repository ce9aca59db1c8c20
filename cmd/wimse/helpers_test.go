package main

import (
	"net/http"

	"github.com/wimse-wg/wimse/profiles/httpwpt"
)

func httpReadRequest(raw string) (*http.Request, error) { return httpwpt.ReadRequest([]byte(raw)) }
