package admin

import _ "embed"

// OpenAPI is the OpenAPI 3 document of the admin API, served at
// /admin/v1/openapi.json. A test in package server holds it to the router.
//
//go:embed openapi.json
var OpenAPI []byte
