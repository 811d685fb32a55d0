package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// items returns the list a REST List answer holds under key.
func items(t *testing.T, body map[string]any, key string) []map[string]any {
	t.Helper()
	raw, _ := body[key].([]any)
	out := make([]map[string]any, len(raw))
	for i, r := range raw {
		out[i], _ = r.(map[string]any)
	}
	return out
}

func TestReferenceService(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ref := e.client.Reference

	t.Run("QualificationLevels", func(t *testing.T) {
		resp, err := ref.ListQualificationLevels(ctx, &pb.ListQualificationLevelsRequest{})
		if err != nil || len(resp.QualificationLevels) != 9 || resp.TotalSize != 9 || resp.NextPageToken != "" {
			t.Fatalf("%v, %v", resp, err)
		}
		for i, l := range resp.QualificationLevels {
			if int(l.Rank) != i+1 {
				t.Errorf("%s has rank %d at position %d", l.Code, l.Rank, i)
			}
		}
		l, err := ref.GetQualificationLevel(ctx, &pb.GetQualificationLevelRequest{Name: "qualificationLevels/THAC_SI"})
		if err != nil || l.Rank != 7 || l.NameVi != "Thạc sĩ" || l.NqfLevel != 7 || !l.Awarded {
			t.Errorf("THAC_SI: %v, %v", l, err)
		}

		code, body := e.rest("GET", "/v1/qualificationLevels?pageSize=4", nil)
		if code != http.StatusOK || len(items(t, body, "qualificationLevels")) != 4 || body["nextPageToken"] == "" || body["totalSize"] != 9.0 {
			t.Fatalf("HTTP %d %v", code, body)
		}
		code, body = e.rest("GET", "/v1/qualificationLevels?pageSize=4&pageToken="+body["nextPageToken"].(string), nil)
		if code != http.StatusOK || items(t, body, "qualificationLevels")[0]["code"] != "CAO_DANG" {
			t.Errorf("second page: HTTP %d %v", code, body)
		}
		code, body = e.rest("GET", "/v1/qualificationLevels/TIEN_SI_KHOA_HOC", nil)
		if code != http.StatusOK || body["rank"] != 9.0 || body["awarded"] != nil || body["isced2011"] != 8.0 || body["nameEn"] != "Doctor of Science" {
			t.Errorf("HTTP %d %v", code, body)
		}
	})

	t.Run("AcademicTitles", func(t *testing.T) {
		resp, err := ref.ListAcademicTitles(ctx, &pb.ListAcademicTitlesRequest{})
		if err != nil || len(resp.AcademicTitles) != 2 || resp.AcademicTitles[1].Code != "GIAO_SU" {
			t.Fatalf("%v, %v", resp, err)
		}
		a, err := ref.GetAcademicTitle(ctx, &pb.GetAcademicTitleRequest{Name: "academicTitles/PHO_GIAO_SU"})
		if err != nil || a.AbbrevVi != "PGS" || a.Rank != 1 {
			t.Errorf("%v, %v", a, err)
		}
		code, body := e.rest("GET", "/v1/academicTitles", nil)
		if code != http.StatusOK || len(items(t, body, "academicTitles")) != 2 {
			t.Errorf("HTTP %d %v", code, body)
		}
		code, body = e.rest("GET", "/v1/academicTitles/GIAO_SU", nil)
		if code != http.StatusOK || body["nameEn"] != "Professor" || body["name"] != "academicTitles/GIAO_SU" {
			t.Errorf("HTTP %d %v", code, body)
		}
	})

	t.Run("Fields", func(t *testing.T) {
		// The whole tree fits on one page when asked.
		resp, err := ref.ListFields(ctx, &pb.ListFieldsRequest{Scheme: "vn2008", PageSize: 5000})
		if err != nil || len(resp.Fields) != 52 || resp.NextPageToken != "" {
			t.Fatalf("%d fields, %v", len(resp.GetFields()), err)
		}
		resp, err = ref.ListFields(ctx, &pb.ListFieldsRequest{Parent: "fields/vn2008-5"})
		if err != nil || len(resp.Fields) != 9 || resp.Fields[0].Name != "fields/vn2008-501" || resp.Fields[0].Parent != "fields/vn2008-5" {
			t.Fatalf("children of 5: %v, %v", resp, err)
		}
		f, err := ref.GetField(ctx, &pb.GetFieldRequest{Name: "fields/vn2008-502"})
		if err != nil || f.Scheme != "vn2008" || f.Code != "502" || f.NameVi != "Kinh tế và kinh doanh" {
			t.Errorf("%v, %v", f, err)
		}
		code, body := e.rest("GET", "/v1/fields?scheme=vn2008&level=1", nil)
		if code != http.StatusOK || len(items(t, body, "fields")) != 6 || body["totalSize"] != 6.0 {
			t.Errorf("HTTP %d %v", code, body)
		}
		code, body = e.rest("GET", "/v1/fields?parent=fields/vn2008-6", nil)
		if code != http.StatusOK || len(items(t, body, "fields")) != 5 || items(t, body, "fields")[0]["verified"] != nil {
			t.Errorf("HTTP %d %v", code, body)
		}
		code, body = e.rest("GET", "/v1/fields/vn2008-502", nil)
		if code != http.StatusOK || body["parent"] != "fields/vn2008-5" || body["level"] != 2.0 || body["verified"] != true {
			t.Errorf("HTTP %d %v", code, body)
		}
	})

	t.Run("EthnicGroups", func(t *testing.T) {
		resp, err := ref.ListEthnicGroups(ctx, &pb.ListEthnicGroupsRequest{PageSize: 100})
		if err != nil || len(resp.EthnicGroups) != 54 {
			t.Fatalf("%d groups, %v", len(resp.GetEthnicGroups()), err)
		}
		g, err := ref.GetEthnicGroup(ctx, &pb.GetEthnicGroupRequest{Name: "ethnicGroups/05"})
		if err != nil || g.NameVi != "Khmer" || !g.Verified {
			t.Errorf("%v, %v", g, err)
		}
		code, body := e.rest("GET", "/v1/ethnicGroups", nil)
		if code != http.StatusOK || len(items(t, body, "ethnicGroups")) != 50 || body["totalSize"] != 54.0 {
			t.Errorf("HTTP %d, %d groups", code, len(items(t, body, "ethnicGroups")))
		}
		code, body = e.rest("GET", "/v1/ethnicGroups/06", nil)
		if code != http.StatusOK || body["nameVi"] != "Hoa" {
			t.Errorf("HTTP %d %v", code, body)
		}
	})

	t.Run("Countries", func(t *testing.T) {
		resp, err := ref.ListCountries(ctx, &pb.ListCountriesRequest{PageSize: 1000})
		if err != nil || len(resp.Countries) != 249 {
			t.Fatalf("%d countries, %v", len(resp.GetCountries()), err)
		}
		c, err := ref.GetCountry(ctx, &pb.GetCountryRequest{Name: "countries/JP"})
		if err != nil || c.NameVi != "Nhật Bản" || c.NameEn != "Japan" {
			t.Errorf("%v, %v", c, err)
		}
		code, body := e.rest("GET", "/v1/countries?pageSize=10", nil)
		if code != http.StatusOK || len(items(t, body, "countries")) != 10 || items(t, body, "countries")[0]["code"] != "AD" {
			t.Errorf("HTTP %d %v", code, body)
		}
		code, body = e.rest("GET", "/v1/countries/VN", nil)
		if code != http.StatusOK || body["nameVi"] != "Việt Nam" {
			t.Errorf("HTTP %d %v", code, body)
		}
	})

	t.Run("AdministrativeUnits", func(t *testing.T) {
		resp, err := ref.ListAdministrativeUnits(ctx, &pb.ListAdministrativeUnitsRequest{ParentCode: "91", AsOf: &date.Date{Year: 2019, Month: 6, Day: 1}})
		if err != nil || len(resp.AdministrativeUnits) != 15 {
			t.Fatalf("units of 91 in 2019: %d, %v", len(resp.GetAdministrativeUnits()), err)
		}
		resp, err = ref.ListAdministrativeUnits(ctx, &pb.ListAdministrativeUnitsRequest{Kind: pb.AdministrativeUnit_SPECIAL_ZONE})
		if err != nil || len(resp.AdministrativeUnits) != 3 {
			t.Errorf("special zones today: %v, %v", resp, err)
		}
		kg, err := ref.GetAdministrativeUnit(ctx, &pb.GetAdministrativeUnitRequest{Name: "administrativeUnits/91", AsOf: &date.Date{Year: 2024, Month: 12, Day: 31}})
		if err != nil || kg.DisplayName != "Tỉnh Kiên Giang" || strings.Join(kg.SuccessorCodes, ",") != "91" {
			t.Errorf("91 in 2024: %v, %v", kg, err)
		}
		ag, err := ref.GetAdministrativeUnit(ctx, &pb.GetAdministrativeUnitRequest{Name: "administrativeUnits/91"})
		if err != nil || ag.DisplayName != "Tỉnh An Giang" {
			t.Errorf("91 today: %v, %v", ag, err)
		}

		// Every version, paged.
		seen := map[string]bool{}
		token := ""
		for {
			resp, err := ref.ListAdministrativeUnits(ctx, &pb.ListAdministrativeUnitsRequest{ShowHistory: true, PageSize: 10, PageToken: token})
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range resp.AdministrativeUnits {
				key := fmt.Sprintf("%s@%v", u.Code, u.ValidFrom)
				if seen[key] {
					t.Errorf("%s seen twice", key)
				}
				seen[key] = true
			}
			if token = resp.NextPageToken; token == "" {
				break
			}
		}
		if len(seen) != 119 {
			t.Errorf("history holds %d versions, want 119", len(seen))
		}

		code, body := e.rest("GET", "/v1/administrativeUnits?parentCode=91&asOf.year=2019&asOf.month=6&asOf.day=1&pageSize=100", nil)
		if code != http.StatusOK || len(items(t, body, "administrativeUnits")) != 15 {
			t.Errorf("HTTP %d %v", code, body)
		}
		code, body = e.rest("GET", "/v1/administrativeUnits?kind=WARD&pageSize=100", nil)
		if code != http.StatusOK || len(items(t, body, "administrativeUnits")) != 14 || items(t, body, "administrativeUnits")[0]["kind"] != "WARD" {
			t.Errorf("HTTP %d %v", code, body)
		}
		code, body = e.rest("GET", "/v1/administrativeUnits?showHistory=true&pageSize=2", nil)
		if us := items(t, body, "administrativeUnits"); code != http.StatusOK || len(us) != 2 || us[0]["displayName"] != "Tỉnh Kiên Giang" || us[1]["displayName"] != "Tỉnh An Giang" {
			t.Errorf("HTTP %d %v", code, body)
		}
		code, body = e.rest("GET", "/v1/administrativeUnits/906?asOf.year=2019&asOf.month=6&asOf.day=1", nil)
		validTo, _ := body["validTo"].(map[string]any)
		if code != http.StatusOK || body["displayName"] != "Huyện Giồng Riềng" || body["kind"] != "DISTRICT" || body["parentCode"] != "91" || validTo["year"] != 2025.0 {
			t.Errorf("HTTP %d %v", code, body)
		}
		code, body = e.rest("GET", "/v1/administrativeUnits/30742", nil)
		if code != http.StatusOK || body["displayName"] != "Phường Rạch Giá" || body["validTo"] != nil {
			t.Errorf("HTTP %d %v", code, body)
		}
	})

	t.Run("NeedsAKey", func(t *testing.T) {
		code, body := e.restAs("", "GET", "/v1/countries", nil)
		wantREST(t, code, body, http.StatusUnauthorized)
		_, err := e.clientAs("tt_not_a_key").Reference.ListCountries(ctx, &pb.ListCountriesRequest{})
		wantCode(t, err, codes.Unauthenticated)
	})

	t.Run("Reflection", func(t *testing.T) {
		stream, err := reflectionpb.NewServerReflectionClient(e.client.Conn()).ServerReflectionInfo(ctx)
		if err != nil {
			t.Fatal(err)
		}
		stream.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}})
		resp, err := stream.Recv()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(fmt.Sprint(resp.GetListServicesResponse()), "trithuc.v1.ReferenceService") {
			t.Errorf("reflection lists %v", resp.GetListServicesResponse())
		}
	})
}

func TestReferenceBadInputs(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ref := e.client.Reference
	countries, err := ref.ListCountries(ctx, &pb.ListCountriesRequest{PageSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	countriesToken := countries.NextPageToken

	tests := []struct {
		name   string
		call   func() error
		rest   string // the same request over REST
		code   codes.Code
		status int
		fields []string
	}{
		{"UnknownLevel", func() error {
			_, err := ref.GetQualificationLevel(ctx, &pb.GetQualificationLevelRequest{Name: "qualificationLevels/MASTER"})
			return err
		}, "/v1/qualificationLevels/MASTER", codes.NotFound, 404, nil},
		{"LowerCaseLevel", func() error {
			_, err := ref.GetQualificationLevel(ctx, &pb.GetQualificationLevelRequest{Name: "qualificationLevels/thac_si"})
			return err
		}, "/v1/qualificationLevels/thac_si", codes.InvalidArgument, 400, []string{"name"}},
		{"UnknownTitle", func() error {
			_, err := ref.GetAcademicTitle(ctx, &pb.GetAcademicTitleRequest{Name: "academicTitles/VIEN_SI"})
			return err
		}, "/v1/academicTitles/VIEN_SI", codes.NotFound, 404, nil},
		{"UnknownField", func() error {
			_, err := ref.GetField(ctx, &pb.GetFieldRequest{Name: "fields/vn2008-509"})
			return err
		}, "/v1/fields/vn2008-509", codes.NotFound, 404, nil},
		{"UnknownScheme", func() error {
			_, err := ref.GetField(ctx, &pb.GetFieldRequest{Name: "fields/vn2025-502"})
			return err
		}, "/v1/fields/vn2025-502", codes.NotFound, 404, nil},
		{"FieldWithoutScheme", func() error {
			_, err := ref.GetField(ctx, &pb.GetFieldRequest{Name: "fields/502"})
			return err
		}, "/v1/fields/502", codes.InvalidArgument, 400, []string{"name"}},
		{"UnknownEthnicGroup", func() error {
			_, err := ref.GetEthnicGroup(ctx, &pb.GetEthnicGroupRequest{Name: "ethnicGroups/99"})
			return err
		}, "/v1/ethnicGroups/99", codes.NotFound, 404, nil},
		{"EthnicGroupName", func() error {
			_, err := ref.GetEthnicGroup(ctx, &pb.GetEthnicGroupRequest{Name: "ethnicGroups/Khmer"})
			return err
		}, "/v1/ethnicGroups/Khmer", codes.InvalidArgument, 400, []string{"name"}},
		{"UnknownCountry", func() error {
			_, err := ref.GetCountry(ctx, &pb.GetCountryRequest{Name: "countries/ZZ"})
			return err
		}, "/v1/countries/ZZ", codes.NotFound, 404, nil},
		{"LowerCaseCountry", func() error {
			_, err := ref.GetCountry(ctx, &pb.GetCountryRequest{Name: "countries/vn"})
			return err
		}, "/v1/countries/vn", codes.InvalidArgument, 400, []string{"name"}},
		{"UnknownUnit", func() error {
			_, err := ref.GetAdministrativeUnit(ctx, &pb.GetAdministrativeUnitRequest{Name: "administrativeUnits/99999"})
			return err
		}, "/v1/administrativeUnits/99999", codes.NotFound, 404, nil},
		{"UnitNotValidThen", func() error {
			_, err := ref.GetAdministrativeUnit(ctx, &pb.GetAdministrativeUnitRequest{Name: "administrativeUnits/906", AsOf: &date.Date{Year: 2026, Month: 1, Day: 1}})
			return err
		}, "/v1/administrativeUnits/906?asOf.year=2026&asOf.month=1&asOf.day=1", codes.NotFound, 404, nil},
		{"UnitNotYetValid", func() error {
			_, err := ref.GetAdministrativeUnit(ctx, &pb.GetAdministrativeUnitRequest{Name: "administrativeUnits/30742", AsOf: &date.Date{Year: 2019, Month: 6, Day: 1}})
			return err
		}, "/v1/administrativeUnits/30742?asOf.year=2019&asOf.month=6&asOf.day=1", codes.NotFound, 404, nil},
		{"UnitName", func() error {
			_, err := ref.GetAdministrativeUnit(ctx, &pb.GetAdministrativeUnitRequest{Name: "administrativeUnits/Rạch Giá"})
			return err
		}, "/v1/administrativeUnits/R%E1%BA%A1ch%20Gi%C3%A1", codes.InvalidArgument, 400, []string{"name"}},
		{"AsOfNoSuchDay", func() error {
			_, err := ref.GetAdministrativeUnit(ctx, &pb.GetAdministrativeUnitRequest{Name: "administrativeUnits/91", AsOf: &date.Date{Year: 2025, Month: 2, Day: 29}})
			return err
		}, "/v1/administrativeUnits/91?asOf.year=2025&asOf.month=2&asOf.day=29", codes.InvalidArgument, 400, []string{"as_of.day"}},
		{"AsOfYearOnly", func() error {
			_, err := ref.ListAdministrativeUnits(ctx, &pb.ListAdministrativeUnitsRequest{AsOf: &date.Date{Year: 2025}})
			return err
		}, "/v1/administrativeUnits?asOf.year=2025", codes.InvalidArgument, 400, []string{"as_of.month"}},
		{"HistoryAndAsOf", func() error {
			_, err := ref.ListAdministrativeUnits(ctx, &pb.ListAdministrativeUnitsRequest{ShowHistory: true, AsOf: &date.Date{Year: 2025, Month: 1, Day: 1}})
			return err
		}, "/v1/administrativeUnits?showHistory=true&asOf.year=2025&asOf.month=1&asOf.day=1", codes.InvalidArgument, 400, []string{"show_history"}},
		{"UnknownKind", func() error {
			_, err := ref.ListAdministrativeUnits(ctx, &pb.ListAdministrativeUnitsRequest{Kind: 99})
			return err
		}, "/v1/administrativeUnits?kind=HAMLET", codes.InvalidArgument, 400, []string{"kind"}},
		{"ParentCodeFormat", func() error {
			_, err := ref.ListAdministrativeUnits(ctx, &pb.ListAdministrativeUnitsRequest{ParentCode: "9"})
			return err
		}, "/v1/administrativeUnits?parentCode=9", codes.InvalidArgument, 400, []string{"parent_code"}},
		{"FieldsParentUnknown", func() error {
			_, err := ref.ListFields(ctx, &pb.ListFieldsRequest{Parent: "fields/vn2008-9"})
			return err
		}, "/v1/fields?parent=fields/vn2008-9", codes.InvalidArgument, 400, []string{"parent"}},
		{"FieldsParentOtherScheme", func() error {
			_, err := ref.ListFields(ctx, &pb.ListFieldsRequest{Scheme: "vn2025", Parent: "fields/vn2008-5"})
			return err
		}, "/v1/fields?scheme=vn2025&parent=fields/vn2008-5", codes.InvalidArgument, 400, []string{"parent"}},
		{"FieldsSchemeFormat", func() error {
			_, err := ref.ListFields(ctx, &pb.ListFieldsRequest{Scheme: "VN2008"})
			return err
		}, "/v1/fields?scheme=VN2008", codes.InvalidArgument, 400, []string{"scheme"}},
		{"FieldsLevel", func() error {
			_, err := ref.ListFields(ctx, &pb.ListFieldsRequest{Level: 12})
			return err
		}, "/v1/fields?level=12", codes.InvalidArgument, 400, []string{"level"}},
		{"NegativePageSize", func() error {
			_, err := ref.ListEthnicGroups(ctx, &pb.ListEthnicGroupsRequest{PageSize: -1})
			return err
		}, "/v1/ethnicGroups?pageSize=-1", codes.InvalidArgument, 400, []string{"page_size"}},
		{"GarbageToken", func() error {
			_, err := ref.ListQualificationLevels(ctx, &pb.ListQualificationLevelsRequest{PageToken: "garbage"})
			return err
		}, "/v1/qualificationLevels?pageToken=garbage", codes.InvalidArgument, 400, []string{"page_token"}},
		{"TokenOfAnotherList", func() error {
			_, err := ref.ListEthnicGroups(ctx, &pb.ListEthnicGroupsRequest{PageToken: countriesToken})
			return err
		}, "/v1/ethnicGroups?pageToken=" + countriesToken, codes.InvalidArgument, 400, []string{"page_token"}},
		{"TokenOfAnotherQuery", func() error {
			_, err := ref.ListFields(ctx, &pb.ListFieldsRequest{PageToken: countriesToken, Scheme: "vn2008"})
			return err
		}, "/v1/fields?scheme=vn2008&pageToken=" + countriesToken, codes.InvalidArgument, 400, []string{"page_token"}},
		{"TokenTooLong", func() error {
			_, err := ref.ListAcademicTitles(ctx, &pb.ListAcademicTitlesRequest{PageToken: strings.Repeat("A", 3000)})
			return err
		}, "/v1/academicTitles?pageToken=" + strings.Repeat("A", 3000), codes.InvalidArgument, 400, []string{"page_token"}},
		{"UnknownParameter", nil, "/v1/countries?fitler=JP", codes.InvalidArgument, 400, []string{"fitler"}},
		// A list under a parent that does not exist is a mistake, not an
		// empty list.
		{"UnknownParentUnit", func() error {
			_, err := ref.ListAdministrativeUnits(ctx, &pb.ListAdministrativeUnitsRequest{ParentCode: "99999"})
			return err
		}, "/v1/administrativeUnits?parentCode=99999", codes.InvalidArgument, 400, []string{"parent_code"}},
		{"UnknownScheme", func() error {
			_, err := ref.ListFields(ctx, &pb.ListFieldsRequest{Scheme: "bogus"})
			return err
		}, "/v1/fields?scheme=bogus", codes.InvalidArgument, 400, []string{"scheme"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.call != nil {
				wantCode(t, tc.call(), tc.code, tc.fields...)
			}
			code, body := e.rest("GET", tc.rest, nil)
			wantREST(t, code, body, tc.status, tc.fields...)
		})
	}
	// A unit without units under it, a scheme without fields of a level:
	// empty lists.
	for _, ok := range []string{"/v1/administrativeUnits?parentCode=30742", "/v1/fields?scheme=vn2008&level=9"} {
		if code, body := e.rest("GET", ok, nil); code != http.StatusOK {
			t.Errorf("GET %s: HTTP %d %v", ok, code, body)
		}
	}
}
