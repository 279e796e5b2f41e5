package amity

import _ "embed"

// OpenAPI is the OpenAPI 3 document of every route of this dialect, served
// at /api/openapi.json. A test in package server holds it to the router.
//
//go:embed openapi.json
var OpenAPI []byte
