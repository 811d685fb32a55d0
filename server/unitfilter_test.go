package server

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/vntext"
)

// ListAdministrativeUnits takes a filter and an order_by as the other
// lists do, beside its typed conditions; a bad one is INVALID_ARGUMENT
// naming it, over gRPC and REST.
func TestListAdministrativeUnitsFilterOrder(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ref := e.client.Reference
	in2019 := &date.Date{Year: 2019, Month: 6, Day: 1}
	codes2 := func(us []*pb.AdministrativeUnit) []string {
		var out []string
		for _, u := range us {
			out = append(out, u.Code)
		}
		return out
	}

	for _, c := range []struct {
		name string
		req  *pb.ListAdministrativeUnitsRequest
		want int
	}{
		{"OKKinds", &pb.ListAdministrativeUnitsRequest{Filter: `kind = WARD OR kind = SPECIAL_ZONE`}, 17},
		{"OKBesideTypedConditions", &pb.ListAdministrativeUnitsRequest{ParentCode: "91", AsOf: in2019, Filter: `kind = DISTRICT`}, 12},
		{"OKParentCode", &pb.ListAdministrativeUnitsRequest{AsOf: in2019, Filter: `parent_code = "91" AND NOT kind = DISTRICT`}, 3},
		{"OKNamePrefix", &pb.ListAdministrativeUnitsRequest{Filter: `display_name = "Phường Rạch*"`}, 1},
		{"OKCode", &pb.ListAdministrativeUnitsRequest{ShowHistory: true, Filter: `code = "91"`}, 2},
		{"OKEnded", &pb.ListAdministrativeUnitsRequest{ShowHistory: true, Filter: `valid_to:*`}, 16},
		{"OKEndedBefore", &pb.ListAdministrativeUnitsRequest{ShowHistory: true, Filter: `valid_to:* AND valid_to < "2025-07-01"`}, 16},
		{"OKStartedFrom", &pb.ListAdministrativeUnitsRequest{ShowHistory: true, Filter: `valid_from >= "2025-07-01"`}, 103},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, err := ref.ListAdministrativeUnits(ctx, withPageSize(c.req, 1000))
			if err != nil {
				t.Fatal(err)
			}
			if len(resp.AdministrativeUnits) != c.want {
				t.Errorf("%d units, want %d: %v", len(resp.AdministrativeUnits), c.want, codes2(resp.AdministrativeUnits))
			}
		})
	}

	// display_name orders in Vietnamese order, both ways, across pages.
	read := func(orderBy string) []*pb.AdministrativeUnit {
		var all []*pb.AdministrativeUnit
		token := ""
		for {
			resp, err := ref.ListAdministrativeUnits(ctx, &pb.ListAdministrativeUnitsRequest{
				Filter: `kind = WARD`, OrderBy: orderBy, PageSize: 4, PageToken: token})
			if err != nil {
				t.Fatalf("order_by %q: %v", orderBy, err)
			}
			all = append(all, resp.AdministrativeUnits...)
			if token = resp.NextPageToken; token == "" {
				return all
			}
		}
	}
	asc, desc := read("display_name"), read("display_name desc")
	if len(asc) != 14 || len(desc) != 14 {
		t.Fatalf("%d and %d wards, want 14", len(asc), len(desc))
	}
	if !slices.IsSortedFunc(asc, func(a, b *pb.AdministrativeUnit) int {
		return bytes.Compare(vntext.SortKey(a.DisplayName), vntext.SortKey(b.DisplayName))
	}) {
		t.Errorf("order_by display_name: %v", asc)
	}
	slices.Reverse(desc)
	if !slices.Equal(codes2(asc), codes2(desc)) {
		t.Errorf("display_name desc is not display_name reversed: %v, %v", codes2(asc), codes2(desc))
	}
	resp, err := ref.ListAdministrativeUnits(ctx, &pb.ListAdministrativeUnitsRequest{ShowHistory: true, Filter: `code = "91"`, OrderBy: "valid_from desc"})
	if err != nil || len(resp.AdministrativeUnits) != 2 || resp.AdministrativeUnits[0].DisplayName != "Tỉnh An Giang" {
		t.Errorf("91 by valid_from desc: %v, %v", resp, err)
	}

	// A page token holds to its filter and order.
	first, err := ref.ListAdministrativeUnits(ctx, &pb.ListAdministrativeUnitsRequest{Filter: `kind = WARD`, OrderBy: "display_name", PageSize: 2})
	if err != nil || first.NextPageToken == "" {
		t.Fatalf("%v, %v", first, err)
	}
	_, err = ref.ListAdministrativeUnits(ctx, &pb.ListAdministrativeUnitsRequest{Filter: `kind = WARD`, OrderBy: "code", PageSize: 2, PageToken: first.NextPageToken})
	wantCode(t, err, codes.InvalidArgument, "page_token")

	for _, c := range []struct {
		name  string
		req   *pb.ListAdministrativeUnitsRequest
		field string
	}{
		{"ErrUnknownFilterField", &pb.ListAdministrativeUnitsRequest{Filter: `colour = "red"`}, "filter"},
		{"ErrUnknownKind", &pb.ListAdministrativeUnitsRequest{Filter: `kind = VILLAGE`}, "filter"},
		{"ErrBadDate", &pb.ListAdministrativeUnitsRequest{Filter: `valid_from > "2025"`}, "filter"},
		{"ErrUnknownOrderField", &pb.ListAdministrativeUnitsRequest{OrderBy: "population"}, "order_by"},
		{"ErrOrderTwice", &pb.ListAdministrativeUnitsRequest{OrderBy: "code, code desc"}, "order_by"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ref.ListAdministrativeUnits(ctx, c.req)
			wantCode(t, err, codes.InvalidArgument, c.field)
		})
	}

	code, body := e.rest("GET", "/v1/administrativeUnits?pageSize=100&orderBy=display_name&filter="+url.QueryEscape(`kind = SPECIAL_ZONE`), nil)
	if us := items(t, body, "administrativeUnits"); code != http.StatusOK || len(us) != 3 || us[0]["kind"] != "SPECIAL_ZONE" {
		t.Errorf("HTTP %d %v", code, body)
	}
	code, body = e.rest("GET", "/v1/administrativeUnits?filter="+url.QueryEscape(`population > 5`), nil)
	wantREST(t, code, body, http.StatusBadRequest, "filter")
}

func withPageSize(r *pb.ListAdministrativeUnitsRequest, n int32) *pb.ListAdministrativeUnitsRequest {
	r.PageSize = n
	return r
}
