package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"math"
	"time"

	"google.golang.org/protobuf/proto"
)

// RequestKey identifies a create request that carries a request_id
// (AIP-155), scoped to who sent it and to the method, so that two clients
// never collide on each other's ids.
type RequestKey struct {
	Principal string
	Method    string
	RequestID string
	// Payload is a digest of the request without its request_id: the same id
	// sent with a different request is refused.
	Payload []byte
	// KeptFor is how long the answer is remembered (the server's idempotency
	// retention); 0 remembers it for good. A record older than that is
	// forgotten at once, not when the daily retention run removes it.
	KeptFor time.Duration
}

// PayloadDigest digests a request deterministically for RequestKey.Payload.
func PayloadDigest(req proto.Message) []byte {
	b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(req)
	sum := sha256.Sum256(b)
	return sum[:]
}

// recall finds the response to an earlier request with the same key and
// unmarshals it into resp.
func (tx *Tx) recall(ctx context.Context, k *RequestKey, resp proto.Message) (bool, error) {
	var payload, body []byte
	since := int64(math.MinInt64)
	if k.KeptFor > 0 {
		since = micros(tx.now.Add(-k.KeptFor))
	}
	err := tx.QueryRowContext(ctx, `SELECT payload_hash, response FROM requests
		WHERE principal = ? AND method = ? AND request_id = ? AND create_time >= ?`,
		k.Principal, k.Method, k.RequestID, since).Scan(&payload, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, dbError(err)
	}
	if !bytes.Equal(payload, k.Payload) {
		return false, errorf(Invalid, "request_id", "%q was already used for a different request; use a new request_id for a new request", k.RequestID)
	}
	if err := proto.Unmarshal(body, resp); err != nil {
		return false, dbError(err)
	}
	return true, nil
}

// remember keeps resp as the answer to any repeat of the request, in place
// of a record of the same key that recall found too old.
func (tx *Tx) remember(ctx context.Context, k *RequestKey, resp proto.Message) error {
	body, err := proto.Marshal(resp)
	if err != nil {
		return dbError(err)
	}
	_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO requests(principal, method, request_id, payload_hash, response, create_time)
		VALUES (?, ?, ?, ?, ?, ?)`, k.Principal, k.Method, k.RequestID, k.Payload, body, micros(tx.now))
	return dbError(err)
}
