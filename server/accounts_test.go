package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

func TestAccountService(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	adminKey, _ := e.db.ListKeys(ctx)
	admin := pb.NewAccountServiceClient(e.client.Conn())
	e.association("hoi-y-hoc", &pb.Association{DisplayName: "Hội Y học", Code: "HYH"})

	a, err := admin.CreateAccount(ctx, &pb.CreateAccountRequest{Account: &pb.Account{
		Email: "Lan@SNV.example.vn", DisplayName: "Trần Thị Lan", Role: RoleRegistrar, Association: "associations/hoi-y-hoc"}})
	if err != nil {
		t.Fatal(err)
	}
	if a.GetEmail() != "lan@snv.example.vn" || a.GetSetupToken() == "" || a.GetPasswordTime() != nil {
		t.Fatalf("created %v", a)
	}
	// The token is the one-time link's: the person sets a password with it.
	if _, err := e.db.SetPassword(ctx, a.GetSetupToken(), "mot-mat-khau-dai-du"); err != nil {
		t.Fatalf("setting the password with the token CreateAccount returned: %v", err)
	}
	got, err := admin.GetAccount(ctx, &pb.GetAccountRequest{Name: a.GetName()})
	if err != nil || got.GetSetupToken() != "" || got.GetPasswordTime() == nil {
		t.Fatalf("GetAccount: %v %v (the token is returned once only)", got, err)
	}
	list, err := admin.ListAccounts(ctx, &pb.ListAccountsRequest{})
	if err != nil || len(list.GetAccounts()) != 1 || list.GetAccounts()[0].GetSetupToken() != "" {
		t.Fatalf("ListAccounts: %v %v", list, err)
	}

	// A client's mistakes name their field and change nothing.
	_, err = admin.CreateAccount(ctx, &pb.CreateAccountRequest{Account: &pb.Account{Email: "x@example.vn", DisplayName: "X", Role: "service"}})
	wantCode(t, err, codes.InvalidArgument, "account.role")
	_, err = admin.CreateAccount(ctx, &pb.CreateAccountRequest{Account: &pb.Account{Email: "x@example.vn", DisplayName: "X", Role: RoleHomeAffairs, Association: "associations/hoi-y-hoc"}})
	wantCode(t, err, codes.InvalidArgument, "account.association")
	_, err = admin.CreateAccount(ctx, &pb.CreateAccountRequest{Account: &pb.Account{Email: "không-phải-email", DisplayName: "X", Role: RoleHomeAffairs}})
	wantCode(t, err, codes.InvalidArgument, "account.email")
	_, err = admin.CreateAccount(ctx, &pb.CreateAccountRequest{Account: &pb.Account{Email: "lan@snv.example.vn", DisplayName: "Lan 2", Role: RoleHomeAffairs}})
	wantCode(t, err, codes.AlreadyExists, "account.email")
	_, err = admin.DisableAccount(ctx, &pb.DisableAccountRequest{Name: "accounts/khongco"})
	wantCode(t, err, codes.NotFound)
	if list, _ := admin.ListAccounts(ctx, &pb.ListAccountsRequest{}); len(list.GetAccounts()) != 1 {
		t.Fatalf("a refused create left %d accounts", len(list.GetAccounts()))
	}

	d, err := admin.DisableAccount(ctx, &pb.DisableAccountRequest{Name: a.GetName()})
	if err != nil || d.GetDisableTime() == nil {
		t.Fatalf("DisableAccount: %v %v", d, err)
	}
	r, err := admin.ResetAccount(ctx, &pb.ResetAccountRequest{Name: a.GetName()})
	if err != nil || r.GetDisableTime() != nil || r.GetPasswordTime() != nil || r.GetSetupToken() == "" {
		t.Fatalf("ResetAccount: %v %v", r, err)
	}

	// Keys: the secret once, then it works until revoked.
	k, err := admin.CreateApiKey(ctx, &pb.CreateApiKeyRequest{ApiKey: &pb.ApiKey{DisplayName: "Cổng dịch vụ công", Role: RoleService}})
	if err != nil || k.GetKeyString() == "" {
		t.Fatalf("CreateApiKey: %v %v", k, err)
	}
	svc := e.clientAs(k.GetKeyString())
	if _, err := svc.Reference.ListFields(ctx, &pb.ListFieldsRequest{}); err != nil {
		t.Fatalf("the new key does not work: %v", err)
	}
	keys, err := admin.ListApiKeys(ctx, &pb.ListApiKeysRequest{PageSize: 1})
	if err != nil || len(keys.GetApiKeys()) != 1 || keys.GetNextPageToken() == "" || keys.GetApiKeys()[0].GetName() != "apiKeys/"+adminKey[0].ID {
		t.Fatalf("ListApiKeys page 1: %v %v", keys, err)
	}
	keys, err = admin.ListApiKeys(ctx, &pb.ListApiKeysRequest{PageSize: 1, PageToken: keys.GetNextPageToken()})
	if err != nil || len(keys.GetApiKeys()) != 1 || keys.GetApiKeys()[0].GetName() != k.GetName() || keys.GetApiKeys()[0].GetKeyString() != "" {
		t.Fatalf("ListApiKeys page 2: %v %v", keys, err)
	}
	rk, err := admin.RevokeApiKey(ctx, &pb.RevokeApiKeyRequest{Name: k.GetName()})
	if err != nil || rk.GetRevokeTime() == nil {
		t.Fatalf("RevokeApiKey: %v %v", rk, err)
	}
	_, err = svc.Reference.ListFields(ctx, &pb.ListFieldsRequest{})
	wantCode(t, err, codes.Unauthenticated)

	// Over REST too, with the field named.
	code, body := e.rest("POST", "/v1/accounts", map[string]any{"email": "y@example.vn", "displayName": "Y", "role": "boss"})
	wantREST(t, code, body, http.StatusBadRequest, "account.role")
}

// TestAccountServiceAdminsOnly: no other role may see or change accounts or
// keys, the refusal changes nothing, and the audit trail names who tried
// and who did.
func TestAccountServiceAdminsOnly(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, c := range e.callers() {
		if c.role == RoleAdmin {
			continue
		}
		ac := pb.NewAccountServiceClient(e.clientAs(c.token).Conn())
		_, err := ac.ListAccounts(ctx, &pb.ListAccountsRequest{})
		wantCode(t, err, codes.PermissionDenied)
		_, err = ac.CreateAccount(ctx, &pb.CreateAccountRequest{Account: &pb.Account{Email: "z@example.vn", DisplayName: "Z", Role: RoleAdmin}})
		wantCode(t, err, codes.PermissionDenied)
		_, err = ac.CreateApiKey(ctx, &pb.CreateApiKeyRequest{ApiKey: &pb.ApiKey{DisplayName: "Z", Role: RoleAdmin}})
		wantCode(t, err, codes.PermissionDenied)
	}
	if all, _ := e.db.ListAccounts(ctx); len(all) != 0 {
		t.Fatalf("refused calls made %d accounts", len(all))
	}
	a, err := pb.NewAccountServiceClient(e.client.Conn()).CreateAccount(ctx, &pb.CreateAccountRequest{Account: &pb.Account{Email: "z@example.vn", DisplayName: "Z", Role: RoleAdmin}})
	if err != nil {
		t.Fatal(err)
	}
	e.srv.audit.flush()
	var denied, created int
	for _, ev := range allAuditEvents(t, e.db) {
		if ev.GetMethod() != "/trithuc.v1.AccountService/CreateAccount" {
			continue
		}
		switch {
		case ev.GetCode() == "PERMISSION_DENIED":
			denied++
		case ev.GetCode() == "OK" && ev.GetRole() == RoleAdmin && slices.Contains(ev.GetResources(), a.GetName()):
			created++
		}
	}
	if denied == 0 || created != 1 {
		t.Fatalf("audit trail holds %d refused and %d made accounts, want some and 1", denied, created)
	}
}

// An account or key may be limited to an organization through the service
// as through the CLI (registrar and home_affairs only, not beside an
// association, an organization that exists), and the limit is shown.
func TestAccountServiceOrganizationLimit(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := pb.NewAccountServiceClient(e.client.Conn())
	org, err := e.client.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{Organization: &pb.Organization{DisplayName: "Sở Y tế"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		key  *pb.ApiKey
	}{
		{"service role", &pb.ApiKey{DisplayName: "X", Role: RoleService, Organization: org.GetName()}},
		{"beside an association", &pb.ApiKey{DisplayName: "X", Role: RoleRegistrar, Association: "associations/hoi-y-hoc", Organization: org.GetName()}},
		{"not a name", &pb.ApiKey{DisplayName: "X", Role: RoleHomeAffairs, Organization: "so-y-te"}},
		{"unknown", &pb.ApiKey{DisplayName: "X", Role: RoleHomeAffairs, Organization: "organizations/khongco"}},
	} {
		_, err := admin.CreateApiKey(ctx, &pb.CreateApiKeyRequest{ApiKey: tc.key})
		if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "organization") {
			t.Errorf("%s: %v, want INVALID_ARGUMENT naming the organization", tc.name, err)
		}
	}
	k, err := admin.CreateApiKey(ctx, &pb.CreateApiKeyRequest{ApiKey: &pb.ApiKey{DisplayName: "Phòng TCCB Sở Y tế", Role: RoleHomeAffairs, Organization: org.GetName()}})
	if err != nil || k.GetOrganization() != org.GetName() {
		t.Fatalf("CreateApiKey limited to %s: %v %v", org.GetName(), k, err)
	}
	got, err := admin.GetApiKey(ctx, &pb.GetApiKeyRequest{Name: k.GetName()})
	if err != nil || got.GetOrganization() != org.GetName() {
		t.Fatalf("GetApiKey: %v %v", got, err)
	}
	a, err := admin.CreateAccount(ctx, &pb.CreateAccountRequest{Account: &pb.Account{Email: "tccb@syt.example.vn", DisplayName: "Lê Văn Tâm", Role: RoleRegistrar, Organization: org.GetName()}})
	if err != nil || a.GetOrganization() != org.GetName() {
		t.Fatalf("CreateAccount limited to %s: %v %v", org.GetName(), a, err)
	}
	_, err = admin.CreateAccount(ctx, &pb.CreateAccountRequest{Account: &pb.Account{Email: "x@syt.example.vn", DisplayName: "X", Role: RoleAdmin, Organization: org.GetName()}})
	wantCode(t, err, codes.InvalidArgument, "account.organization")
}

// A key or an account may be limited to an association that exists and is
// not deleted, through gRPC and REST alike, as to an organization.
func TestAccountServiceAssociationLimit(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := pb.NewAccountServiceClient(e.client.Conn())
	_, hyh := e.associations()
	gone := e.association("hoi-cu", &pb.Association{DisplayName: "Hội cũ", Code: "HCU"})
	if _, err := e.client.Memberships.DeleteAssociation(ctx, &pb.DeleteAssociationRequest{Name: gone.Name}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, association, says string }{
		{"ErrUnknown", "associations/khongco", "no association is named associations/khongco"},
		{"ErrDeleted", gone.Name, gone.Name + " is deleted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := admin.CreateApiKey(ctx, &pb.CreateApiKeyRequest{ApiKey: &pb.ApiKey{DisplayName: "X", Role: RoleRegistrar, Association: tc.association}})
			if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("CreateApiKey: %v, want INVALID_ARGUMENT saying %q", err, tc.says)
			}
			_, err = admin.CreateAccount(ctx, &pb.CreateAccountRequest{Account: &pb.Account{Email: "x@example.vn", DisplayName: "X", Role: RoleRegistrar, Association: tc.association}})
			wantCode(t, err, codes.InvalidArgument, "account.association")
			code, body := e.rest("POST", "/v1/apiKeys", map[string]any{"displayName": "X", "role": RoleRegistrar, "association": tc.association})
			if code != http.StatusBadRequest || !strings.Contains(fmt.Sprint(body["message"]), tc.says) {
				t.Errorf("POST /v1/apiKeys: %d %v, want 400 saying %q", code, body, tc.says)
			}
		})
	}
	k, err := admin.CreateApiKey(ctx, &pb.CreateApiKeyRequest{ApiKey: &pb.ApiKey{DisplayName: "Hội Y học", Role: RoleRegistrar, Association: hyh.Name}})
	if err != nil || k.GetAssociation() != hyh.Name {
		t.Fatalf("CreateApiKey limited to %s: %v %v", hyh.Name, k, err)
	}
}

// TestCreateApiKeyExpireTime: a key's end date is in the future or unset.
// Year 1 once read as Go's zero time, a key that never expires.
func TestCreateApiKeyExpireTime(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	before, _ := e.db.ListKeys(ctx)
	for _, expire := range []string{"0001-01-01T00:00:00Z", "2001-01-01T00:00:00Z"} {
		code, body := e.rest("POST", "/v1/apiKeys", map[string]any{"role": "registrar", "displayName": "K0", "expireTime": expire})
		wantREST(t, code, body, http.StatusBadRequest, "api_key.expire_time")
	}
	_, err := pb.NewAccountServiceClient(e.client.Conn()).CreateApiKey(ctx, &pb.CreateApiKeyRequest{ApiKey: &pb.ApiKey{
		DisplayName: "K1", Role: RoleRegistrar, ExpireTime: timestamppb.New(time.Now().Add(-time.Minute))}})
	wantCode(t, err, codes.InvalidArgument, "api_key.expire_time")
	if after, _ := e.db.ListKeys(ctx); len(after) != len(before) {
		t.Fatalf("refused creates left %d keys, want %d", len(after), len(before))
	}
	code, body := e.rest("POST", "/v1/apiKeys", map[string]any{"role": "registrar", "displayName": "K2", "expireTime": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)})
	if code != http.StatusOK || body["expireTime"] == nil {
		t.Fatalf("a key expiring in an hour: HTTP %d %v", code, body)
	}
}

// TestRevokeAndDisableTwice: revoking a revoked key or disabling a
// disabled account is FAILED_PRECONDITION, as a membership's state change
// from a state it does not apply to is, and the first time stands.
func TestRevokeAndDisableTwice(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := pb.NewAccountServiceClient(e.client.Conn())
	k, err := admin.CreateApiKey(ctx, &pb.CreateApiKeyRequest{ApiKey: &pb.ApiKey{DisplayName: "K", Role: RoleService}})
	if err != nil {
		t.Fatal(err)
	}
	code, first := e.rest("POST", "/v1/"+k.Name+":revoke", map[string]any{})
	if code != http.StatusOK || first["revokeTime"] == nil {
		t.Fatalf("revoke: HTTP %d %v", code, first)
	}
	code, body := e.rest("POST", "/v1/"+k.Name+":revoke", map[string]any{})
	wantREST(t, code, body, http.StatusBadRequest)
	if body["code"] != float64(codes.FailedPrecondition) {
		t.Errorf("revoking again: %v, want FAILED_PRECONDITION", body)
	}
	if _, got := e.rest("GET", "/v1/"+k.Name, nil); got["revokeTime"] != first["revokeTime"] {
		t.Errorf("revoke time %v after revoking again, want %v", got["revokeTime"], first["revokeTime"])
	}
	code, body = e.rest("POST", "/v1/apiKeys/khongco:revoke", map[string]any{})
	wantREST(t, code, body, http.StatusNotFound)

	a, err := admin.CreateAccount(ctx, &pb.CreateAccountRequest{Account: &pb.Account{Email: "lan@example.vn", DisplayName: "Lan", Role: RoleHomeAffairs}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := admin.DisableAccount(ctx, &pb.DisableAccountRequest{Name: a.Name})
	if err != nil {
		t.Fatal(err)
	}
	_, err = admin.DisableAccount(ctx, &pb.DisableAccountRequest{Name: a.Name})
	wantCode(t, err, codes.FailedPrecondition)
	if got, err := admin.GetAccount(ctx, &pb.GetAccountRequest{Name: a.Name}); err != nil || !got.DisableTime.AsTime().Equal(d.DisableTime.AsTime()) {
		t.Errorf("disable time %v after disabling again, want %v (%v)", got.GetDisableTime(), d.DisableTime, err)
	}
}
