package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"trithuc.gov.vn/trithuc/transfer"
)

// A watch (WatchChanges) is a verb that runs until it is stopped: it
// prints each item of each message as it comes, one a line, keeps the
// cursor of the last message, and when the stream breaks it calls again
// from that cursor, so that nothing is printed twice or missed.

// isWatch says whether md is a server stream that resumes from a cursor:
// its request and its messages both have a `cursor`.
func isWatch(md protoreflect.MethodDescriptor) bool {
	return md.IsStreamingServer() && !md.IsStreamingClient() &&
		md.Input().Fields().ByName("cursor") != nil && md.Output().Fields().ByName("cursor") != nil &&
		itemsField(md.Output()) != nil
}

// watchRetry bounds the wait between two calls of a broken watch.
var watchRetry = struct{ first, most time.Duration }{time.Second, 30 * time.Second}

// watchAgain are the codes after which a watch is called again: the
// server or the network went away, or the server asked for patience. Any
// other (a bad filter, a cursor the feed no longer holds, a key revoked)
// would fail again, and ends the command.
func watchAgain(err error) bool {
	switch status.Code(err) {
	case codes.Unavailable, codes.Internal, codes.Unknown, codes.Aborted, codes.ResourceExhausted, codes.DeadlineExceeded:
		return true
	}
	return false
}

// noTimeout describes --timeout on a watch, which runs until stopped.
func noTimeout(fs *flag.FlagSet) {
	f := fs.Lookup("timeout")
	f.Usage, f.DefValue = "does not apply: a watch runs until it is stopped (Ctrl-C)", "0s"
}

// watchHelp is what a watch's help says beside its method's comment.
const watchHelp = `Prints each item as it comes, one a line: a JSON object (--output json),
or a row under one header line (--output csv or table). Ctrl-C stops,
cleanly, and says on stderr the cursor to go on from (--cursor). When the
stream breaks (the server restarts, the network drops), it says so on
stderr and calls again from the last cursor received, waiting longer
each time (1s, 2s, ... up to 30s), so that nothing is missed or printed
twice; an error that would come again (a bad filter, a cursor the feed
no longer holds) ends it.`

// runWatch runs the watch v.method with req until ctx ends (Ctrl-C), which
// ends it cleanly: nil, and on stderr the cursor to go on from.
func runWatch(ctx context.Context, cf *clientFlags, fs *flag.FlagSet, full string, md protoreflect.MethodDescriptor, columns string, req proto.Message, stdout, stderr io.Writer) error {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "timeout" })
	if given {
		return usageError("a watch runs until it is stopped (Ctrl-C): --timeout does not apply")
	}
	respType, err := protoregistry.GlobalTypes.FindMessageByName(md.Output().FullName())
	if err != nil {
		return err
	}
	items := itemsField(md.Output())
	rows := items.Message()
	show, err := watchPrinter(cf.output, rows, columns, stdout)
	if err != nil {
		return err
	}
	// The server pings a silent connection every 2 minutes and allows the
	// client as much: a connection dropped without a word (a NAT, a
	// cable) is noticed within a few minutes, and the watch resumes.
	cf.dialOptions = append(cf.dialOptions, grpc.WithKeepaliveParams(keepalive.ClientParameters{Time: 2 * time.Minute, Timeout: 20 * time.Second}))
	cl, err := cf.dial()
	if err != nil {
		return err
	}
	defer cl.Close()

	// Started at the newest change, the first message says where that
	// is: told then, as the watch is under way.
	cursor := stringField(req, "cursor")
	if cursor != "" {
		fmt.Fprintf(stderr, "Watching from cursor %s; Ctrl-C stops.\n", cursor)
	}
	wait := watchRetry.first
	broke := false
	for {
		got, err := watchOnce(ctx, cl.Conn(), full, req, respType, func(resp proto.Message) error {
			list := resp.ProtoReflect().Get(items).List()
			for i := 0; i < list.Len(); i++ {
				if err := show(list.Get(i).Message()); err != nil {
					return err
				}
			}
			c := stringField(resp, "cursor")
			switch {
			case cursor == "" && c != "":
				fmt.Fprintf(stderr, "Watching from the newest change, cursor %s; Ctrl-C stops.\n", c)
			case broke:
				fmt.Fprintln(stderr, "Watching again.")
			}
			broke = false
			if c != "" {
				cursor = c
			}
			return nil
		})
		if got {
			wait = watchRetry.first
		}
		switch {
		case ctx.Err() != nil:
			if cursor != "" {
				fmt.Fprintf(stderr, "Stopped. To go on from here: --cursor %s\n", cursor)
			}
			return nil
		case err != nil && !watchAgain(err):
			var st interface{ GRPCStatus() *status.Status }
			if errors.As(err, &st) {
				return callError(err)
			}
			return err
		}
		why := "the server ended the stream"
		if err != nil {
			why = callError(err).Error()
		}
		from := "the newest change"
		if cursor != "" {
			// The next call starts after what was printed, not at the
			// newest change, whatever the first call asked.
			from = "cursor " + cursor
			if err := setString(req, "cursor", cursor); err != nil {
				return err
			}
		}
		fmt.Fprintf(stderr, "The watch broke (%s); watching again from %s in %s.\n", why, from, wait)
		broke = true
		select {
		case <-ctx.Done():
			continue
		case <-time.After(wait):
		}
		wait = min(2*wait, watchRetry.most)
	}
}

// watchOnce makes one call of the watch and hands each message to handle
// until the stream ends; got says whether any message came.
func watchOnce(ctx context.Context, conn *grpc.ClientConn, full string, req proto.Message, respType protoreflect.MessageType, handle func(proto.Message) error) (got bool, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true}, full)
	if err != nil {
		return false, err
	}
	if err := stream.SendMsg(req); err != nil {
		return false, err
	}
	if err := stream.CloseSend(); err != nil {
		return false, err
	}
	for {
		resp := respType.New().Interface()
		err := stream.RecvMsg(resp)
		if errors.Is(err, io.EOF) {
			return got, nil
		}
		if err != nil {
			return got, err
		}
		got = true
		if err := handle(resp); err != nil {
			return got, err
		}
	}
}

// watchPrinter prints one item a line, as it comes: a JSON object each
// (json), or a CSV or table row under one header line.
func watchPrinter(format string, md protoreflect.MessageDescriptor, columns string, w io.Writer) (func(protoreflect.Message) error, error) {
	if format == "json" {
		return func(m protoreflect.Message) error {
			b, err := jsonOut.Marshal(m.Interface())
			if err != nil {
				return err
			}
			// protojson varies its spacing on purpose: one line each, the
			// same every time.
			var line bytes.Buffer
			if err := json.Compact(&line, b); err != nil {
				return err
			}
			line.WriteByte('\n')
			_, err = w.Write(line.Bytes())
			return err
		}, nil
	}
	cols, err := tableColumns(md, columns)
	if err != nil {
		return nil, err
	}
	header := false
	return func(m protoreflect.Message) error {
		cells := make([]string, len(cols))
		for i, c := range cols {
			cells[i] = cell(m, c)
		}
		if format == "csv" {
			cw := transfer.NewCSVWriter(w, false)
			if !header {
				cw.Write(cols)
			}
			cw.Write(cells)
			header = true
			return cw.Flush()
		}
		// A table that grows as it goes cannot align its columns: a tab
		// between cells.
		if !header {
			up := make([]string, len(cols))
			for i, c := range cols {
				up[i] = strings.ToUpper(c)
			}
			if _, err := fmt.Fprintln(w, strings.Join(up, "\t")); err != nil {
				return err
			}
			header = true
		}
		_, err := fmt.Fprintln(w, strings.Join(cells, "\t"))
		return err
	}, nil
}

// setString sets the string field name of m.
func setString(m proto.Message, name, v string) error {
	fd := m.ProtoReflect().Descriptor().Fields().ByName(protoreflect.Name(name))
	if fd == nil {
		return fmt.Errorf("%s has no field %s", m.ProtoReflect().Descriptor().FullName(), name)
	}
	m.ProtoReflect().Set(fd, protoreflect.ValueOfString(v))
	return nil
}
