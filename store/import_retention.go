package store

import (
	"context"

	"google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// ImportResultsRemoved stands, in an import's answer, for the problems
// that retention removed (pruneImportResults).
const ImportResultsRemoved = "the problems of this import and its report were removed after the retention period (--import-result-retention): they quoted the personal data of the uploaded file; the counts stay"

// pruneImportResults removes what quotes the uploaded file from the
// imports that ended before the cutoff: their report (a copy of the file)
// and the problems of their answer, in its response or its error's
// details, which quote rows and name the people rows matched. The
// operation stays, with its metadata and counts, and so do the audit
// events naming the people the import wrote: they are the registry's
// history. An import already pruned holds nothing more to remove and is
// left as it is. It returns how many imports it pruned.
func (tx *Tx) pruneImportResults(ctx context.Context, before int64) (int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, response, error, report FROM operations
		WHERE kind = ? AND done = 1 AND update_time < ?`, ImportOperationKind, before)
	if err != nil {
		return 0, dbError(err)
	}
	type pruned struct {
		id              string
		response, error []byte
	}
	var doomed []pruned
	for rows.Next() {
		var id string
		var response, errBlob, report []byte
		if err := rows.Scan(&id, &response, &errBlob, &report); err != nil {
			rows.Close()
			return 0, dbError(err)
		}
		r, rChanged := pruneResponse(response)
		e, eChanged := pruneError(errBlob)
		if rChanged || eChanged || report != nil {
			doomed = append(doomed, pruned{id, r, e})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, dbError(err)
	}
	for _, d := range doomed {
		if _, err := tx.ExecContext(ctx, `UPDATE operations SET response = ?, error = ?, report = NULL WHERE id = ?`,
			d.response, d.error, d.id); err != nil {
			return 0, dbError(err)
		}
	}
	return int64(len(doomed)), nil
}

// pruneAnswer replaces the problems of an import's answer by the note,
// and clears the first message of each count (it may quote a row). It
// reports whether it changed anything.
func pruneAnswer(resp *pb.ImportPeopleResponse) bool {
	note := []*pb.ImportProblem{{Message: ImportResultsRemoved}}
	changed := !(len(resp.Problems) == 1 && proto.Equal(resp.Problems[0], note[0])) && len(resp.Problems) > 0
	if changed {
		resp.Problems = note
	}
	for _, c := range resp.ProblemCounts {
		if c.FirstMessage != "" {
			c.FirstMessage, changed = "", true
		}
	}
	return changed
}

// pruneAny is pruneAnswer of an ImportPeopleResponse in a; anything else
// stays.
func pruneAny(a *anypb.Any) (*anypb.Any, bool) {
	resp := &pb.ImportPeopleResponse{}
	if !a.MessageIs(resp) || a.UnmarshalTo(resp) != nil || !pruneAnswer(resp) {
		return a, false
	}
	out, err := anypb.New(resp)
	if err != nil {
		return &anypb.Any{}, true
	}
	return out, true
}

// pruneResponse is pruneAny of a stored response (an Any); a blob that
// cannot be read is dropped, as it cannot be told free of the file.
func pruneResponse(blob []byte) ([]byte, bool) {
	if len(blob) == 0 {
		return blob, false
	}
	a := &anypb.Any{}
	if proto.Unmarshal(blob, a) != nil {
		return nil, true
	}
	out, changed := pruneAny(a)
	if !changed {
		return blob, false
	}
	b, err := proto.Marshal(out)
	if err != nil {
		return nil, true
	}
	return b, true
}

// pruneError is pruneAny of each detail of a stored google.rpc.Status.
func pruneError(blob []byte) ([]byte, bool) {
	if len(blob) == 0 {
		return blob, false
	}
	st := &status.Status{}
	if proto.Unmarshal(blob, st) != nil {
		return nil, true
	}
	changed := false
	for i, d := range st.Details {
		if out, c := pruneAny(d); c {
			st.Details[i], changed = out, true
		}
	}
	if !changed {
		return blob, false
	}
	b, err := proto.Marshal(st)
	if err != nil {
		return nil, true
	}
	return b, true
}
