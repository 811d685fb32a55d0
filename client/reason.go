package client

import (
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/status"
)

// Reason is the reason of the google.rpc.ErrorInfo that err carries, of
// the server's domain (trithuc.gov.vn): FIELD_INVALID, NOT_FOUND,
// ETAG_MISMATCH, PERMISSION_DENIED_SCOPE, RATE_LIMITED... (the README's
// table), for a caller to branch on rather than on messages. It is "" for
// nil, and for an error the server did not send (a dial that failed).
func Reason(err error) string {
	st, ok := status.FromError(err)
	if !ok || err == nil {
		return ""
	}
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok && info.GetDomain() == "trithuc.gov.vn" {
			return info.GetReason()
		}
	}
	return ""
}
