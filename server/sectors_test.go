package server

import (
	"context"
	"database/sql"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// An organization's sector is a section of VSIC 2018: an unknown code is
// INVALID_ARGUMENT naming organization.sector, over gRPC and REST, and
// changes nothing; a text kept from before sectors were codes may stay
// through an update.
func TestOrganizationSectorIsACode(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	orgs := e.client.Organizations
	for _, bad := range []string{"Giáo dục", "p", "V"} {
		_, err := orgs.CreateOrganization(ctx, &pb.CreateOrganizationRequest{OrganizationId: "x",
			Organization: &pb.Organization{DisplayName: "Sở X", Sector: bad}})
		wantCode(t, err, codes.InvalidArgument, "organization.sector")
		if bad == "p" && !strings.Contains(err.Error(), `"P"`) {
			t.Errorf("no hint of the upper-case code: %v", err)
		}
	}
	code, body := e.rest("POST", "/v1/organizations?organizationId=x", map[string]any{"displayName": "Sở X", "sector": "Y tế"})
	wantREST(t, code, body, http.StatusBadRequest, "organization.sector")
	if _, err := orgs.GetOrganization(ctx, &pb.GetOrganizationRequest{Name: "organizations/x"}); status.Code(err) != codes.NotFound {
		t.Errorf("a rejected organization was created: %v", err)
	}
	o, err := orgs.CreateOrganization(ctx, &pb.CreateOrganizationRequest{OrganizationId: "sgd",
		Organization: &pb.Organization{DisplayName: "Sở Giáo dục", Sector: "P"}})
	if err != nil || o.GetSector() != "P" {
		t.Fatalf("%v, %v", o, err)
	}
	s, err := e.client.Reference.GetSector(ctx, &pb.GetSectorRequest{Name: "sectors/P"})
	if err != nil || s.GetNameVi() != "Giáo dục và đào tạo" {
		t.Errorf("sectors/P: %v, %v", s, err)
	}

	// A text written before sectors were codes, as the migration left it.
	oldSector(t, e.path, "sgd", "Ngành lạ")
	o, err = orgs.UpdateOrganization(ctx, &pb.UpdateOrganizationRequest{
		Organization: &pb.Organization{Name: "organizations/sgd", DisplayName: "Sở Giáo dục và Đào tạo"}, UpdateMask: mask("display_name")})
	if err != nil || o.GetSector() != "Ngành lạ" {
		t.Errorf("an update that keeps an old text: %v, %v", o, err)
	}
	_, err = orgs.UpdateOrganization(ctx, &pb.UpdateOrganizationRequest{
		Organization: &pb.Organization{Name: "organizations/sgd", Sector: "Ngành khác"}, UpdateMask: mask("sector")})
	wantCode(t, err, codes.InvalidArgument, "organization.sector")
}

// SECTOR counts people by the sector of their current workplace, labelled
// in Vietnamese; an old text is counted under itself, after the codes.
func TestStatisticsBySector(t *testing.T) {
	e := newEnv(t)
	e.setThreshold(3)
	ctx := context.Background()
	for _, o := range []struct{ id, sector string }{{"sgd", "P"}, {"bv", "Q"}, {"la", "P"}} {
		if _, err := e.client.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{OrganizationId: o.id,
			Organization: &pb.Organization{DisplayName: "Tổ chức " + o.id, Sector: o.sector}}); err != nil {
			t.Fatal(err)
		}
	}
	oldSector(t, e.path, "la", "Ngành lạ")
	// 4 at sgd, 3 at bv, 3 at la, 3 with no position.
	for i, org := range []string{"sgd", "sgd", "sgd", "sgd", "bv", "bv", "bv", "la", "la", "la", "", "", ""} {
		p := e.person(&pb.Person{FamilyName: "Lê", GivenName: "B" + string(rune('a'+i))})
		if org != "" {
			e.position(p.Name, &pb.Position{Current: true, Organization: "organizations/" + org, Start: day(2020, 1, 0)})
		}
	}
	r := e.stats(&pb.ComputeStatisticsRequest{Dimensions: []dim{pb.ComputeStatisticsRequest_SECTOR}})
	if got, want := rowsOf(r), "P=4 Q=3 Ngành lạ=3 =3 | 13"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	var labels []string
	for _, row := range r.GetRows() {
		labels = append(labels, row.GetLabels()[0])
	}
	if got := strings.Join(labels, "; "); got != "Giáo dục và đào tạo; Y tế và hoạt động trợ giúp xã hội; Ngành lạ; Không có hoặc chưa ghi nhận" {
		t.Errorf("labels: %s", got)
	}
	if r.GetDimensionLabels()[0] != "Ngành kinh tế" {
		t.Errorf("header: %v", r.GetDimensionLabels())
	}
}

// oldSector writes a sector as a database from before sectors were codes
// holds it (migration 0020 keeps a text it does not recognise), past the
// validation of the API.
func oldSector(t *testing.T, path, id, text string) {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Exec(`UPDATE organizations SET sector = ? WHERE id = ?`, text, id); err != nil {
		t.Fatal(err)
	}
}
