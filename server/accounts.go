package server

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// accountService keeps console accounts and API keys for administrators
// (the permission table admits no other role). It goes through the chain
// like every service, so that the audit trail names the administrator who
// made, disabled or reset an account or a key.
type accountService struct {
	pb.UnimplementedAccountServiceServer
	db *store.DB
}

func accountProto(a *store.Account, token string) *pb.Account {
	return &pb.Account{Name: "accounts/" + a.ID, Email: a.Email, DisplayName: a.Name, Role: a.Role,
		Association: a.Association, Organization: a.Organization, CreateTime: timestamppb.New(a.CreateTime),
		PasswordTime: optTime(a.PasswordTime), DisableTime: optTime(a.DisableTime), SetupToken: token}
}

func apiKeyProto(k *store.Key, secret string) *pb.ApiKey {
	return &pb.ApiKey{Name: "apiKeys/" + k.ID, DisplayName: k.Name, Role: k.Role, Association: k.Association,
		Organization: k.Organization,
		CreateTime:   timestamppb.New(k.CreateTime), ExpireTime: optTime(k.ExpireTime),
		RevokeTime: optTime(k.RevokeTime), LastUseTime: optTime(k.LastUsedTime), KeyString: secret}
}

func optTime(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

// storeField renames the field of a store error to its path in the
// request: the store says name for the display name.
func storeField(err error, prefix string) error {
	var se *store.Error
	if errors.As(err, &se) && se.Field != "" {
		f := se.Field
		if f == "name" {
			f = "display_name"
		}
		cp := *se
		cp.Field = prefix + f
		return &cp
	}
	return err
}

func (s *accountService) account(ctx context.Context, name string) (*store.Account, error) {
	id := strings.TrimPrefix(name, "accounts/")
	all, err := s.db.ListAccounts(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range all {
		if a.ID == id {
			return a, nil
		}
	}
	return nil, status.Errorf(codes.NotFound, "no account is named %s", name)
}

func (s *accountService) GetAccount(ctx context.Context, req *pb.GetAccountRequest) (*pb.Account, error) {
	a, err := s.account(ctx, req.GetName())
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return accountProto(a, ""), nil
}

func (s *accountService) ListAccounts(ctx context.Context, req *pb.ListAccountsRequest) (*pb.ListAccountsResponse, error) {
	all, err := s.db.ListAccounts(ctx)
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	page, next, err := pageAfter(all, func(a *store.Account) string { return "accounts/" + a.ID }, req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	resp := &pb.ListAccountsResponse{NextPageToken: next}
	for _, a := range page {
		resp.Accounts = append(resp.Accounts, accountProto(a, ""))
	}
	return resp, nil
}

func (s *accountService) CreateAccount(ctx context.Context, req *pb.CreateAccountRequest) (*pb.Account, error) {
	in := req.GetAccount()
	if in.GetAssociation() != "" && in.GetRole() != RoleRegistrar {
		return nil, badRequest(&store.Error{Field: "account.association", Message: "only a registrar may be limited to an association; leave it empty for " + in.GetRole()})
	}
	if err := checkLimit("account.", in.GetRole(), in.GetAssociation(), in.GetOrganization()); err != nil {
		return nil, err
	}
	a, token, err := s.db.CreateAccount(ctx, in.GetEmail(), in.GetDisplayName(), in.GetRole(), in.GetAssociation()+in.GetOrganization())
	if err != nil {
		return nil, grpcError(ctx, storeField(err, "account."))
	}
	return accountProto(a, token), nil
}

func (s *accountService) DisableAccount(ctx context.Context, req *pb.DisableAccountRequest) (*pb.Account, error) {
	a, err := s.db.DisableAccount(ctx, strings.TrimPrefix(req.GetName(), "accounts/"))
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return accountProto(a, ""), nil
}

func (s *accountService) ResetAccount(ctx context.Context, req *pb.ResetAccountRequest) (*pb.Account, error) {
	a, token, err := s.db.ResetAccount(ctx, strings.TrimPrefix(req.GetName(), "accounts/"))
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return accountProto(a, token), nil
}

func (s *accountService) apiKey(ctx context.Context, name string) (*store.Key, error) {
	id := strings.TrimPrefix(name, "apiKeys/")
	all, err := s.db.ListKeys(ctx)
	if err != nil {
		return nil, err
	}
	for _, k := range all {
		if k.ID == id {
			return k, nil
		}
	}
	return nil, status.Errorf(codes.NotFound, "no API key is named %s", name)
}

func (s *accountService) GetApiKey(ctx context.Context, req *pb.GetApiKeyRequest) (*pb.ApiKey, error) {
	k, err := s.apiKey(ctx, req.GetName())
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return apiKeyProto(k, ""), nil
}

func (s *accountService) ListApiKeys(ctx context.Context, req *pb.ListApiKeysRequest) (*pb.ListApiKeysResponse, error) {
	all, err := s.db.ListKeys(ctx)
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	page, next, err := pageAfter(all, func(k *store.Key) string { return "apiKeys/" + k.ID }, req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	resp := &pb.ListApiKeysResponse{NextPageToken: next}
	for _, k := range page {
		resp.ApiKeys = append(resp.ApiKeys, apiKeyProto(k, ""))
	}
	return resp, nil
}

func (s *accountService) CreateApiKey(ctx context.Context, req *pb.CreateApiKeyRequest) (*pb.ApiKey, error) {
	in := req.GetApiKey()
	if in.GetAssociation() != "" && in.GetRole() != RoleRegistrar {
		return nil, badRequest(&store.Error{Field: "api_key.association", Message: "only a registrar key may be limited to an association; leave it empty for " + in.GetRole()})
	}
	var expire time.Time
	if in.ExpireTime != nil {
		expire = in.GetExpireTime().AsTime()
		// Checked here, not in the store: year 1 is Go's zero time, which
		// the store reads as a key that never expires.
		if !expire.After(s.db.Now()) {
			return nil, badRequestField("api_key.expire_time", "must be in the future; leave it unset for a key that does not expire")
		}
	}
	if err := checkLimit("api_key.", in.GetRole(), in.GetAssociation(), in.GetOrganization()); err != nil {
		return nil, err
	}
	k, secret, err := s.db.CreateScopedKey(ctx, in.GetDisplayName(), in.GetRole(), in.GetAssociation()+in.GetOrganization(), expire)
	if err != nil {
		return nil, grpcError(ctx, storeField(err, "api_key."))
	}
	return apiKeyProto(k, secret), nil
}

func (s *accountService) RevokeApiKey(ctx context.Context, req *pb.RevokeApiKeyRequest) (*pb.ApiKey, error) {
	if err := s.db.RevokeKey(ctx, strings.TrimPrefix(req.GetName(), "apiKeys/")); err != nil {
		return nil, grpcError(ctx, err)
	}
	k, err := s.apiKey(ctx, req.GetName())
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return apiKeyProto(k, ""), nil
}

// pageAfter pages a short list held whole (accounts and keys number tens):
// the token is the name of the last item of the previous page, which stays
// valid as items are added.
func pageAfter[T any](items []T, name func(T) string, size int32, token string) ([]T, string, error) {
	if size <= 0 {
		size = 50
	}
	if size > 1000 {
		size = 1000
	}
	start := 0
	if token != "" {
		start = -1
		for i, it := range items {
			if name(it) == token {
				start = i + 1
				break
			}
		}
		if start < 0 {
			return nil, "", badRequest(&store.Error{Field: "page_token", Message: "unknown page token; list again from the first page"})
		}
	}
	end := min(start+int(size), len(items))
	next := ""
	if end < len(items) {
		next = name(items[end-1])
	}
	return items[start:end], next, nil
}

// checkLimit checks the organization an account or key is limited to, as
// the CLI does: registrar and home_affairs only, never with an association.
func checkLimit(prefix, role, association, organization string) error {
	switch {
	case organization == "":
		return nil
	case association != "":
		return badRequest(&store.Error{Field: prefix + "organization", Message: "give an association or an organization, not both"})
	case role != RoleRegistrar && role != RoleHomeAffairs:
		return badRequest(&store.Error{Field: prefix + "organization", Message: "only registrar and home_affairs may be limited to an organization; leave it empty for " + role})
	case !strings.HasPrefix(organization, "organizations/"):
		return badRequest(&store.Error{Field: prefix + "organization", Message: fmt.Sprintf("want an organization's name, organizations/ID, not %q", organization)})
	}
	return nil
}
