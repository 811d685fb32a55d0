// Package proto holds trithuc's API contract: the .proto files under
// trithuc/v1, the Go code generated from them beside them, the OpenAPI
// document generated for the REST gateway, embedded here so that the server
// can serve it, and the descriptors with their comments, so that the
// command line's help says what the .proto files say.
//
// Everything generated is made by `make generate` and never edited by hand;
// generate_test.go fails when it is stale or when the protos break lint.
package proto

import _ "embed"

// OpenAPI is the OpenAPI v2 document of the REST API.
//
//go:embed trithuc/v1/trithuc.swagger.json
var OpenAPI []byte

// Descriptors are the contract's file descriptors with their source
// comments (a google.protobuf.FileDescriptorSet, as `buf build` writes it):
// the generated Go code carries the descriptors without comments.
//
//go:embed trithuc/v1/descriptor.binpb
var Descriptors []byte
