package server

import (
	"context"

	"google.golang.org/grpc"
)

// hook is an interceptor told by what it does to each message of a call:
// request checks (and may amend) every request before the handler sees
// it, answer every answer before the caller does; either may be nil. One
// hook makes both the unary and the stream interceptor, so that no check
// holds for one kind of call and not the other: a stream's every message
// passes it as a unary call's one message does.
type hook struct {
	request func(ctx context.Context, method string, req any) error
	answer  func(ctx context.Context, method string, resp any) (any, error)
}

func (h hook) unary() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		if h.request != nil {
			if err := h.request(ctx, info.FullMethod, req); err != nil {
				return nil, err
			}
		}
		resp, err := handler(ctx, req)
		if err != nil || h.answer == nil {
			return resp, err
		}
		return h.answer(ctx, info.FullMethod, resp)
	}
}

func (h hook) stream() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		return handler(srv, &hookedStream{ServerStream: ss, h: h, method: info.FullMethod})
	}
}

type hookedStream struct {
	grpc.ServerStream
	h      hook
	method string
}

func (hs *hookedStream) RecvMsg(m any) error {
	if err := hs.ServerStream.RecvMsg(m); err != nil || hs.h.request == nil {
		return err
	}
	return hs.h.request(hs.Context(), hs.method, m)
}

func (hs *hookedStream) SendMsg(m any) error {
	if hs.h.answer != nil {
		var err error
		if m, err = hs.h.answer(hs.Context(), hs.method, m); err != nil {
			return err
		}
	}
	return hs.ServerStream.SendMsg(m)
}
